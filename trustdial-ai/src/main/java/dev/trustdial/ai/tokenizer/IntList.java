package dev.trustdial.ai.tokenizer;

import java.util.Arrays;

/** A growable int array, to avoid boxing in the encoders. */
final class IntList {
  private int[] data = new int[16];
  private int size;

  void add(int v) {
    if (size == data.length) {
      data = Arrays.copyOf(data, size * 2);
    }
    data[size++] = v;
  }

  int[] toArray() {
    return Arrays.copyOf(data, size);
  }
}
