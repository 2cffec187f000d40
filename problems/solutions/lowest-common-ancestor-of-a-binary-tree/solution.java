class Solution {
    public int lowestCommonAncestor(TreeNode root, int p, int q) {
        // Record each value's parent value, then walk up from p and from q.
        Map<Integer, Integer> parent = new HashMap<>();
        parent.put(root.val, null);
        Deque<TreeNode> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            TreeNode node = stack.pop();
            for (TreeNode child : new TreeNode[] {node.left, node.right}) {
                if (child != null) {
                    parent.put(child.val, node.val);
                    stack.push(child);
                }
            }
        }
        Set<Integer> ancestors = new HashSet<>();
        for (Integer v = p; v != null; v = parent.get(v)) ancestors.add(v);
        Integer v = q;
        while (!ancestors.contains(v)) v = parent.get(v);
        return v;
    }
}
