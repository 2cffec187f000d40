function canFinish(numCourses, prerequisites) {
  const unlocks = Array.from({ length: numCourses }, () => []);
  const waitingOn = new Array(numCourses).fill(0);
  for (const [course, before] of prerequisites) {
    unlocks[before].push(course);
    waitingOn[course]++;
  }
  const ready = [];
  for (let c = 0; c < numCourses; c++) if (waitingOn[c] === 0) ready.push(c);
  // `ready` doubles as the queue: every course pushed is taken exactly once.
  for (let i = 0; i < ready.length; i++) {
    for (const next of unlocks[ready[i]]) {
      if (--waitingOn[next] === 0) ready.push(next);
    }
  }
  return ready.length === numCourses;
}
