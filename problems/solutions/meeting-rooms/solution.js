function canAttendMeetings(intervals) {
  const s = intervals.slice().sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < s.length; i++) if (s[i][0] < s[i - 1][1]) return false;
  return true;
}
