// Values are distinct, so the nodes are found by value; the parent links make it
// iterative (a chain of 10^5 nodes would overflow a recursive search).
function lowestCommonAncestor(root, p, q) {
  const parent = new Map([[root.val, null]]);
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    for (const child of [node.left, node.right]) {
      if (child) { parent.set(child.val, node.val); stack.push(child); }
    }
  }
  const ancestors = new Set();
  for (let v = p; v !== null; v = parent.get(v)) ancestors.add(v);
  let v = q;
  while (!ancestors.has(v)) v = parent.get(v);
  return v;
}
