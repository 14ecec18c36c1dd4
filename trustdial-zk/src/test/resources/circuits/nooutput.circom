pragma circom 2.1.6;

// Test circuit: no output signal.
template Check() {
  signal input in[2];
  in[0] * in[1] === 6;
}

component main {public [in]} = Check();
