def group_anagrams(strs):
    groups = {}
    for w in strs:
        groups.setdefault("".join(sorted(w)), []).append(w)
    return list(groups.values())
