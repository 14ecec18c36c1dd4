pragma circom 2.1.6;

// Test circuit: its input is private (main does not declare {public [in]}), which ZK mode refuses.
template Square() {
  signal input in[1];
  signal output out[1];
  out[0] <== in[0] * in[0];
}

component main = Square();
