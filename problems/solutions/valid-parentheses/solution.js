function isValid(s) {
  const opener = { ')': '(', ']': '[', '}': '{' };
  const open = [];
  for (const c of s) {
    if (c === '(' || c === '[' || c === '{') open.push(c);
    else if (open.pop() !== opener[c]) return false;
  }
  return open.length === 0;
}
