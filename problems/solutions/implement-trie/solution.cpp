class Trie {
    struct Node {
        map<char, unique_ptr<Node>> next;
        bool end = false;
    };
    Node root;

    Node* find(const string& text) {
        Node* node = &root;
        for (char c : text) {
            auto it = node->next.find(c);
            if (it == node->next.end()) return nullptr;
            node = it->second.get();
        }
        return node;
    }

public:
    Trie() {}

    void insert(string word) {
        Node* node = &root;
        for (char c : word) {
            auto& child = node->next[c];
            if (!child) child = make_unique<Node>();
            node = child.get();
        }
        node->end = true;
    }

    bool search(string word) {
        Node* node = find(word);
        return node && node->end;
    }

    bool startsWith(string prefix) { return find(prefix) != nullptr; }
};
