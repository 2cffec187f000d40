function climbStairs(n) {
  let prev = 1, cur = 1; // ways to reach step i - 1 and step i
  for (let i = 2; i <= n; i++) [prev, cur] = [cur, prev + cur];
  return cur;
}
