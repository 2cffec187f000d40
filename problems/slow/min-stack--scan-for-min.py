# expected: n^2
class MinStack:
    def __init__(self):
        self.items = []

    def push(self, val):
        self.items.append(val)

    def pop(self):
        self.items.pop()

    def top(self):
        return self.items[-1]

    def get_min(self):
        best = self.items[0]
        for x in self.items:
            if x < best:
                best = x
        return best
