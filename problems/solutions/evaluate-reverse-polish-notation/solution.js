function evalRpn(tokens) {
  const apply = {
    '+': (a, b) => a + b,
    '-': (a, b) => a - b,
    '*': (a, b) => a * b,
    '/': (a, b) => Math.trunc(a / b),
  };
  const stack = [];
  for (const token of tokens) {
    if (Object.hasOwn(apply, token)) {
      const b = stack.pop(), a = stack.pop();
      stack.push(apply[token](a, b));
    } else {
      stack.push(Number(token));
    }
  }
  return stack.pop();
}
