class MinStack {
  constructor() {
    this.values = [];
    this.minimums = []; // minimums[i]: the smallest of values[0..=i]
  }

  push(val) {
    const n = this.minimums.length;
    this.values.push(val);
    this.minimums.push(n ? Math.min(val, this.minimums[n - 1]) : val);
  }

  pop() {
    this.values.pop();
    this.minimums.pop();
  }

  top() { return this.values[this.values.length - 1]; }

  getMin() { return this.minimums[this.minimums.length - 1]; }
}
