// interview-coach judge harness for Java 17, compiled with each run (after the candidate's
// ListNode and TreeNode, or the harness's): the bank's linked lists and trees to and from
// JSON-shaped values.
import java.util.*;

final class IcNodes {
    static final int MAX_NODES = 1_000_000;

    static ListNode list(Object v, int pos) {
        List<?> values = (List<?>) v;
        ListNode[] nodes = new ListNode[values.size()];
        for (int i = 0; i < nodes.length; i++) nodes[i] = new ListNode(IcJson.i(values.get(i)));
        for (int i = 0; i + 1 < nodes.length; i++) nodes[i].next = nodes[i + 1];
        if (nodes.length > 0 && pos >= 0 && pos < nodes.length) nodes[nodes.length - 1].next = nodes[pos];
        return nodes.length == 0 ? null : nodes[0];
    }

    static ListNode list(Object v) { return list(v, -1); }

    static TreeNode tree(Object v) {
        List<?> values = (List<?>) v;
        if (values.isEmpty() || values.get(0) == null) return null;
        TreeNode root = new TreeNode(IcJson.i(values.get(0)));
        ArrayList<TreeNode> queue = new ArrayList<>();
        queue.add(root);
        int i = 1, q = 0;
        while (q < queue.size() && i < values.size()) {
            TreeNode node = queue.get(q++);
            if (i < values.size() && values.get(i) != null) { node.left = new TreeNode(IcJson.i(values.get(i))); queue.add(node.left); }
            i++;
            if (i < values.size() && values.get(i) != null) { node.right = new TreeNode(IcJson.i(values.get(i))); queue.add(node.right); }
            i++;
        }
        return root;
    }

    static List<Object> listOut(ListNode node) {
        List<Object> out = new ArrayList<>();
        for (; node != null; node = node.next) {
            out.add((long) node.val);
            if (out.size() > MAX_NODES) throw new IllegalStateException("the returned linked list has a cycle or more than 10^6 nodes");
        }
        return out;
    }

    static List<Object> treeOut(TreeNode root) {
        List<Object> out = new ArrayList<>();
        ArrayList<TreeNode> queue = new ArrayList<>();
        queue.add(root);
        for (int q = 0; q < queue.size(); q++) {
            TreeNode node = queue.get(q);
            if (node == null) { out.add(null); continue; }
            out.add((long) node.val);
            queue.add(node.left);
            queue.add(node.right);
            if (queue.size() > 2 * MAX_NODES) throw new IllegalStateException("the returned tree has a cycle or more than 10^6 nodes");
        }
        while (!out.isEmpty() && out.get(out.size() - 1) == null) out.remove(out.size() - 1);
        return out;
    }

    /** A node result as a JSON-shaped value, for IcMain.out; null when `v` is no node. */
    static Object out(Object v) {
        if (v instanceof ListNode) return listOut((ListNode) v);
        if (v instanceof TreeNode) return treeOut((TreeNode) v);
        return null;
    }

    static ListNode[] lna(Object v) { List<?> a = IcJson.a(v); ListNode[] r = new ListNode[a.size()]; for (int k = 0; k < r.length; k++) r[k] = list(a.get(k)); return r; }
    static TreeNode[] tna(Object v) { List<?> a = IcJson.a(v); TreeNode[] r = new TreeNode[a.size()]; for (int k = 0; k < r.length; k++) r[k] = tree(a.get(k)); return r; }
    static ListNode[][] lna2(Object v) { List<?> a = IcJson.a(v); ListNode[][] r = new ListNode[a.size()][]; for (int k = 0; k < r.length; k++) r[k] = lna(a.get(k)); return r; }
    static TreeNode[][] tna2(Object v) { List<?> a = IcJson.a(v); TreeNode[][] r = new TreeNode[a.size()][]; for (int k = 0; k < r.length; k++) r[k] = tna(a.get(k)); return r; }
}
