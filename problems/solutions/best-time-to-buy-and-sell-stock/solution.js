function maxProfit(prices) {
  let cheapest = Infinity, best = 0;
  for (const price of prices) {
    if (price < cheapest) cheapest = price;
    else best = Math.max(best, price - cheapest);
  }
  return best;
}
