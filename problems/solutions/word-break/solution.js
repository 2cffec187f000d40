function wordBreak(s, wordDict) {
  const words = new Set(wordDict);
  const longest = Math.max(...wordDict.map((w) => w.length));
  // splits[i]: s.slice(0, i) is a sequence of dictionary words.
  const splits = new Array(s.length + 1).fill(false);
  splits[0] = true;
  for (let i = 1; i <= s.length; i++) {
    for (let j = Math.max(0, i - longest); j < i && !splits[i]; j++) {
      if (splits[j] && words.has(s.slice(j, i))) splits[i] = true;
    }
  }
  return splits[s.length];
}
