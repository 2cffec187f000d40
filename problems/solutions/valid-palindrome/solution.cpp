class Solution {
public:
    bool isPalindrome(string s) {
        auto counts = [](char c) { return isalnum((unsigned char)c) != 0; };
        int i = 0, j = (int)s.size() - 1;
        while (i < j) {
            if (!counts(s[i])) i++;
            else if (!counts(s[j])) j--;
            else if (tolower((unsigned char)s[i++]) != tolower((unsigned char)s[j--])) return false;
        }
        return true;
    }
};
