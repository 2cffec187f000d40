function wordBreak(s, wordDict) {
  const words = new Set(wordDict);
  const ok = [true];
  for (let i = 1; i <= s.length; i++) {
    ok[i] = false;
    for (let j = 0; j < i && !ok[i]; j++) ok[i] = ok[j] && words.has(s.slice(j, i));
  }
  return ok[s.length];
}
