function canFinish(numCourses, prerequisites) {
  const indegree = new Array(numCourses).fill(0);
  const next = Array.from({ length: numCourses }, () => []);
  for (const [a, b] of prerequisites) { next[b].push(a); indegree[a]++; }
  const queue = [];
  indegree.forEach((d, i) => { if (d === 0) queue.push(i); });
  let done = 0;
  while (queue.length) {
    const c = queue.pop();
    done++;
    for (const n of next[c]) if (--indegree[n] === 0) queue.push(n);
  }
  return done === numCourses;
}
