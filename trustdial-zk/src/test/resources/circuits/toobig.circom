pragma circom 2.1.6;

// Test circuit: 4200 multiplications, more than the dev ceremony's 2^12 allows.
template Chain(K) {
  signal input in[1];
  signal output out[1];
  signal acc[K];
  acc[0] <== in[0] * in[0];
  for (var i = 1; i < K; i++) {
    acc[i] <== acc[i - 1] * in[0];
  }
  out[0] <== acc[K - 1];
}

component main {public [in]} = Chain(4200);
