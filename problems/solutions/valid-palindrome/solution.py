def is_palindrome(s):
    def ok(c):
        return c.isascii() and c.isalnum()

    i, j = 0, len(s) - 1
    while i < j:
        if not ok(s[i]):
            i += 1
        elif not ok(s[j]):
            j -= 1
        else:
            if s[i].lower() != s[j].lower():
                return False
            i += 1
            j -= 1
    return True
