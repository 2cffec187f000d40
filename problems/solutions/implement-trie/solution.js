class Trie {
  constructor() { this.root = {}; }

  insert(word) {
    let node = this.root;
    for (const c of word) node = node[c] || (node[c] = {});
    node.end = true;
  }

  find(text) {
    let node = this.root;
    for (const c of text) {
      node = node[c];
      if (!node) return null;
    }
    return node;
  }

  search(word) { const n = this.find(word); return n !== null && n.end === true; }

  startsWith(prefix) { return this.find(prefix) !== null; }
}
