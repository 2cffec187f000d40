// Iterative post-order (a chain of 3 * 10^4 nodes would overflow a recursive walk).
function maxPathSum(root) {
  const order = [];
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    order.push(node);
    if (node.left) stack.push(node.left);
    if (node.right) stack.push(node.right);
  }
  // gain: the best sum of a downward path starting at the node.
  const gain = new Map();
  let best = -Infinity;
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    const left = node.left ? Math.max(0, gain.get(node.left)) : 0;
    const right = node.right ? Math.max(0, gain.get(node.right)) : 0;
    best = Math.max(best, node.val + left + right);
    gain.set(node, node.val + Math.max(left, right));
  }
  return best;
}
