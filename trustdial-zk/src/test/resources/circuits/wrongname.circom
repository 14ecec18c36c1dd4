pragma circom 2.1.6;

// Test circuit: its public input array is called x, not in.
template Square() {
  signal input x[1];
  signal output out[1];
  out[0] <== x[0] * x[0];
}

component main {public [x]} = Square();
