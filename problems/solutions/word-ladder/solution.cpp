class Solution {
public:
    int ladderLength(string beginWord, string endWord, vector<string>& wordList) {
        unordered_set<string> unseen(wordList.begin(), wordList.end());
        if (!unseen.count(endWord)) return 0;
        unseen.erase(beginWord);
        queue<string> frontier;
        frontier.push(beginWord);
        for (int length = 1; !frontier.empty(); length++) {
            for (size_t n = frontier.size(); n > 0; n--) {
                string word = frontier.front();
                frontier.pop();
                for (size_t i = 0; i < word.size(); i++) {
                    char original = word[i];
                    for (char c = 'a'; c <= 'z'; c++) {
                        if (c == original) continue;
                        word[i] = c;
                        if (!unseen.count(word)) continue;
                        if (word == endWord) return length + 1;
                        unseen.erase(word);
                        frontier.push(word);
                    }
                    word[i] = original;
                }
            }
        }
        return 0;
    }
};
