class MinStack:
    def __init__(self):
        self.items = []  # (value, minimum including this value)

    def push(self, val):
        m = val if not self.items else min(val, self.items[-1][1])
        self.items.append((val, m))

    def pop(self):
        self.items.pop()

    def top(self):
        return self.items[-1][0]

    def get_min(self):
        return self.items[-1][1]
