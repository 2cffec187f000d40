class Solution {
    public boolean isValidBst(TreeNode root) {
        // An in-order walk of a BST sees strictly increasing values.
        Deque<TreeNode> stack = new ArrayDeque<>();
        TreeNode node = root;
        Long prev = null;
        while (node != null || !stack.isEmpty()) {
            while (node != null) {
                stack.push(node);
                node = node.left;
            }
            node = stack.pop();
            if (prev != null && node.val <= prev) return false;
            prev = (long) node.val;
            node = node.right;
        }
        return true;
    }
}
