def coin_change(coins, amount):
    inf = amount + 1
    best = [0] + [inf] * amount
    for x in range(1, amount + 1):
        for c in coins:
            if c <= x and best[x - c] + 1 < best[x]:
                best[x] = best[x - c] + 1
    return -1 if best[amount] >= inf else best[amount]
