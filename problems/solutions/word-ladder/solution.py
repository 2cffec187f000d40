from collections import deque
from string import ascii_lowercase


def ladder_length(begin_word, end_word, word_list):
    words = set(word_list)
    if end_word not in words:
        return 0
    words.discard(begin_word)
    queue = deque([(begin_word, 1)])
    while queue:
        word, dist = queue.popleft()
        for i in range(len(word)):
            for ch in ascii_lowercase:
                if ch == word[i]:
                    continue
                cand = word[:i] + ch + word[i + 1:]
                if cand in words:
                    if cand == end_word:
                        return dist + 1
                    words.remove(cand)
                    queue.append((cand, dist + 1))
    return 0
