# expected: n^2
class MedianFinder:
    def __init__(self):
        self.items = []  # kept sorted by a linear scan per insert

    def add_num(self, num):
        i = 0
        while i < len(self.items) and self.items[i] < num:
            i += 1
        self.items.insert(i, num)

    def find_median(self):
        s, n = self.items, len(self.items)
        return float(s[n // 2]) if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2.0
