class Solution {
public:
    bool isValidBst(TreeNode* root) {
        // In-order walk: the values must come out strictly increasing.
        vector<TreeNode*> stack;
        TreeNode* node = root;
        TreeNode* prev = nullptr;
        while (node || !stack.empty()) {
            for (; node; node = node->left) stack.push_back(node);
            node = stack.back();
            stack.pop_back();
            if (prev && node->val <= prev->val) return false;
            prev = node;
            node = node->right;
        }
        return true;
    }
};
