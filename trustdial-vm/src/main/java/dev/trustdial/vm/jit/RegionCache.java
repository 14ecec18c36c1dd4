package dev.trustdial.vm.jit;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Translated regions shared by all machines in this JVM, so a program run again (a watchtower
 * re-executing, a resumed job, the next job of the same app) starts on code the JVM has already
 * compiled instead of warming up afresh. A translation is a pure function of the key: the page's
 * words, its address, the entry and the RAM window; regions hold no state. Least recently used
 * regions go first beyond {@link #MAX_REGIONS}.
 */
final class RegionCache {
  private RegionCache() {}

  static final int MAX_REGIONS = 4096;

  /** What a translation depends on. The words are a copy taken when the region was translated. */
  static final class Key {
    final int pageBase;
    final int entry;
    final int window;
    final int[] words;
    private final int hash;

    Key(int pageBase, int entry, int window, int[] words) {
      this.pageBase = pageBase;
      this.entry = entry;
      this.window = window;
      this.words = words;
      this.hash = 31 * (31 * (31 * pageBase + entry) + window) + Arrays.hashCode(words);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && k.hash == hash
          && k.pageBase == pageBase
          && k.entry == entry
          && k.window == window
          && Arrays.equals(k.words, words);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private static final Map<Key, CompiledRegion> REGIONS =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, CompiledRegion> eldest) {
          return size() > MAX_REGIONS;
        }
      };

  static synchronized CompiledRegion get(Key key) {
    return REGIONS.get(key);
  }

  static synchronized void put(Key key, CompiledRegion region) {
    REGIONS.put(key, region);
  }
}
