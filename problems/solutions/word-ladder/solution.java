class Solution {
    public int ladderLength(String beginWord, String endWord, String[] wordList) {
        Set<String> unseen = new HashSet<>(Arrays.asList(wordList));
        if (!unseen.contains(endWord)) return 0;
        unseen.remove(beginWord);
        Deque<String> queue = new ArrayDeque<>();
        queue.add(beginWord);
        // Breadth-first: every word in one round is `length` words into its ladder.
        for (int length = 1; !queue.isEmpty(); length++) {
            for (int round = queue.size(); round > 0; round--) {
                char[] word = queue.poll().toCharArray();
                for (int i = 0; i < word.length; i++) {
                    char original = word[i];
                    for (char c = 'a'; c <= 'z'; c++) {
                        if (c == original) continue;
                        word[i] = c;
                        String next = new String(word);
                        if (unseen.remove(next)) {
                            if (next.equals(endWord)) return length + 1;
                            queue.add(next);
                        }
                    }
                    word[i] = original;
                }
            }
        }
        return 0;
    }
}
