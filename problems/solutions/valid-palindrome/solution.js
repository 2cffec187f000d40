function isPalindrome(s) {
  const alnum = (c) => /[A-Za-z0-9]/.test(c);
  let i = 0, j = s.length - 1;
  while (i < j) {
    if (!alnum(s[i])) i++;
    else if (!alnum(s[j])) j--;
    else if (s[i++].toLowerCase() !== s[j--].toLowerCase()) return false;
  }
  return true;
}
