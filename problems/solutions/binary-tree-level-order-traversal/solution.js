function levelOrder(root) {
  const levels = [];
  let current = root ? [root] : [];
  while (current.length) {
    levels.push(current.map((node) => node.val));
    const next = [];
    for (const node of current) {
      if (node.left) next.push(node.left);
      if (node.right) next.push(node.right);
    }
    current = next;
  }
  return levels;
}
