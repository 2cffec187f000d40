class Solution {
    public int subarraySum(int[] nums, int k) {
        Map<Integer, Integer> prefixes = new HashMap<>();
        prefixes.put(0, 1);
        int prefix = 0, count = 0;
        for (int x : nums) {
            prefix += x;
            count += prefixes.getOrDefault(prefix - k, 0);
            prefixes.merge(prefix, 1, Integer::sum);
        }
        return count;
    }
}
