function ladderLength(beginWord, endWord, wordList) {
  const unvisited = new Set(wordList);
  if (!unvisited.has(endWord)) return 0;
  unvisited.delete(beginWord);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let level = [beginWord];
  for (let length = 1; level.length; length++) {
    const next = [];
    for (const word of level) {
      for (let i = 0; i < word.length; i++) {
        for (const c of letters) {
          if (c === word[i]) continue;
          const candidate = word.slice(0, i) + c + word.slice(i + 1);
          if (!unvisited.has(candidate)) continue;
          if (candidate === endWord) return length + 1;
          unvisited.delete(candidate);
          next.push(candidate);
        }
      }
    }
    level = next;
  }
  return 0;
}
