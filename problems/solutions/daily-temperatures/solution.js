function dailyTemperatures(temperatures) {
  const wait = new Array(temperatures.length).fill(0);
  const pending = []; // indices of days still waiting, temperatures non-increasing
  temperatures.forEach((t, day) => {
    while (pending.length && temperatures[pending[pending.length - 1]] < t) {
      const earlier = pending.pop();
      wait[earlier] = day - earlier;
    }
    pending.push(day);
  });
  return wait;
}
