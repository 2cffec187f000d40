class Solution {
public:
    int maxPathSum(TreeNode* root) {
        int best = root->val;
        gain(root, best);
        return best;
    }

private:
    // The best sum of a downward path starting at node (possibly just the node itself).
    int gain(TreeNode* node, int& best) {
        if (!node) return 0;
        int left = max(0, gain(node->left, best));
        int right = max(0, gain(node->right, best));
        best = max(best, node->val + left + right);
        return node->val + max(left, right);
    }
};
