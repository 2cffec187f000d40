class Trie {
    private static final class Node {
        final Map<Character, Node> next = new HashMap<>();
        boolean end;
    }

    private final Node root = new Node();

    public Trie() {}

    public void insert(String word) {
        Node node = root;
        for (char c : word.toCharArray()) node = node.next.computeIfAbsent(c, k -> new Node());
        node.end = true;
    }

    public boolean search(String word) {
        Node node = find(word);
        return node != null && node.end;
    }

    public boolean startsWith(String prefix) {
        return find(prefix) != null;
    }

    private Node find(String text) {
        Node node = root;
        for (char c : text.toCharArray()) {
            node = node.next.get(c);
            if (node == null) return null;
        }
        return node;
    }
}
