function coinChange(coins, amount) {
  const fewest = new Array(amount + 1).fill(Infinity);
  fewest[0] = 0;
  for (const coin of coins) {
    for (let x = coin; x <= amount; x++) {
      if (fewest[x - coin] + 1 < fewest[x]) fewest[x] = fewest[x - coin] + 1;
    }
  }
  return fewest[amount] === Infinity ? -1 : fewest[amount];
}
