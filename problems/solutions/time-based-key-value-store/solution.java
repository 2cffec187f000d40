class TimeMap {
    // Per key, its versions by timestamp; a TreeMap answers "latest at or before t".
    private final Map<String, TreeMap<Integer, String>> versions = new HashMap<>();

    public TimeMap() {}

    public void set(String key, String value, int timestamp) {
        versions.computeIfAbsent(key, k -> new TreeMap<>()).put(timestamp, value);
    }

    public String get(String key, int timestamp) {
        TreeMap<Integer, String> history = versions.get(key);
        if (history == null) return "";
        Map.Entry<Integer, String> entry = history.floorEntry(timestamp);
        return entry == null ? "" : entry.getValue();
    }
}
