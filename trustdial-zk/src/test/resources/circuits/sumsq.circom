pragma circom 2.1.6;

include "circomlib/circuits/bitify.circom";

// Test circuit (trustdial-zk ITs): out[0] = sum of the squares of in, out[1] = in[0] * in[1].
// Every input must fit in 32 bits (Num2Bits constrains it), so a larger word is unprovable.
template SumOfSquares(N) {
  signal input in[N];
  signal output out[2];
  component bits[N];
  signal acc[N];
  for (var i = 0; i < N; i++) {
    bits[i] = Num2Bits(32);
    bits[i].in <== in[i];
  }
  acc[0] <== in[0] * in[0];
  for (var i = 1; i < N; i++) {
    acc[i] <== acc[i - 1] + in[i] * in[i];
  }
  out[0] <== acc[N - 1];
  out[1] <== in[0] * in[1];
}

component main {public [in]} = SumOfSquares(3);
