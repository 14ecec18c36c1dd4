// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {AppRegistry} from "../src/AppRegistry.sol";
import {JobManager} from "../src/JobManager.sol";
import {Groth16Mode} from "../src/Groth16Mode.sol";
import {RawVerifier, GasBurner, StatefulVerifier, Reenterer} from "./ModeDoubles.sol";

// ---------------------------------------------------------------- test-double verifiers
//
// A real snarkjs verifier is exercised by the Java integration test; here the "proof" is a hash: a verifier
// for N public signals accepts iff proof[0] (A.x) == uint256(keccak256(abi.encodePacked(signals))). It has
// snarkjs's ABI for its N, so a call with another arity hits no function and reverts.

/// @notice Accepts iff a[0] is the hash of its 3 public signals.
contract HashVerifier3 {
    function verifyProof(uint256[2] calldata a, uint256[2][2] calldata, uint256[2] calldata, uint256[3] calldata s)
        external
        pure
        returns (bool)
    {
        return a[0] == uint256(keccak256(abi.encodePacked(s)));
    }
}

/// @notice Accepts iff a[0] is the hash of its 5 public signals.
contract HashVerifier5 {
    function verifyProof(uint256[2] calldata a, uint256[2][2] calldata, uint256[2] calldata, uint256[5] calldata s)
        external
        pure
        returns (bool)
    {
        return a[0] == uint256(keccak256(abi.encodePacked(s)));
    }
}

/// @notice ZK mode (docs/spec/zk.md §3–§4): the Groth16Mode adapter the deployment registered under mode 3. A ZK
///         app's job is finalized in the transaction that proves it (submitCheckedResult), against the adapter
///         and the verifier (the app's config) pinned at submission, with public signals built from the job
///         itself. Each attack test performs the attack and asserts that it fails and changes nothing.
contract ZkModeTest is SettlementFixture {
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    bytes32 internal constant PROGRAM_KEY = bytes32(uint256(0x2a)); // the artifact's DA blob key
    bytes32 internal constant OUT_KEY = keccak256("zk-output-blob");
    bytes8 internal constant MAGIC = "TDJOBIN1";
    bytes8 internal constant BAD_MAGIC = "TDJOBIN2";

    address internal dev;
    address internal user;
    address internal op;
    uint256 internal appId; // ZK app proven by v3
    HashVerifier3 internal v3;

    function setUp() public override {
        super.setUp();
        dev = makeAddr("dev");
        user = makeAddr("user");
        op = operator("zk-op", COMPUTE, 1_000e18);
        activate();
        v3 = new HashVerifier3();
        appId = zkApp(address(v3));
    }

    // ================================================================ helpers

    /// @dev A ZK app owned by `dev` whose verifier (app config) is `verifier`.
    function zkApp(address verifier) internal returns (uint256 id) {
        id = createApp(dev, MODE_ZK);
        vm.prank(dev);
        apps.setAppConfig(id, verifier);
    }

    function words(uint256[] memory w) internal pure returns (bytes memory out) {
        for (uint256 i; i < w.length; ++i) {
            out = bytes.concat(out, bytes32(w[i]));
        }
    }

    function w1(uint256 a) internal pure returns (bytes memory) {
        return abi.encodePacked(a);
    }

    function w2(uint256 a, uint256 b) internal pure returns (bytes memory) {
        return abi.encodePacked(a, b);
    }

    function w3(uint256 a, uint256 b, uint256 c) internal pure returns (bytes memory) {
        return abi.encodePacked(a, b, c);
    }

    /// @dev A TDJOBIN1 envelope (stride 1) around `input`.
    function envelope(bytes memory input) internal pure returns (bytes memory) {
        return abi.encodePacked(MAGIC, PROGRAM_KEY, uint64(1), uint32(input.length), input);
    }

    /// @dev The test-double proof for the statement (output words, then input words).
    function proofFor(bytes memory output, bytes memory input) internal pure returns (uint256[8] memory p) {
        p[0] = uint256(keccak256(abi.encodePacked(output, input)));
        p[1] = 0x1111;
        p[7] = 0x7777;
    }

    /// @dev A job of `app` with `env` as its envelope, submitted by `user` and assigned to `op`.
    function zkJob(uint256 app, bytes memory env) internal returns (uint256 jobId) {
        jobId = submitWithDigest(user, app, keccak256(env));
        assertEq(assignNow(jobId), op, "the only operator");
    }

    function prove(uint256 jobId, bytes memory env, bytes memory output, uint256[8] memory proof) internal {
        vm.prank(op);
        jobs.submitCheckedResult(jobId, env, output, abi.encode(proof), OUT_KEY);
    }

    /// @dev `from` submits and the call reverts with `reason`; the job stays Assigned to op, nothing paid.
    function proveReverts(
        address from,
        uint256 jobId,
        bytes memory env,
        bytes memory output,
        uint256[8] memory proof,
        bytes memory reason
    ) internal {
        proveRawReverts(from, jobId, env, output, abi.encode(proof), reason);
    }

    /// @dev As proveReverts, with any evidence bytes.
    function proveRawReverts(
        address from,
        uint256 jobId,
        bytes memory env,
        bytes memory output,
        bytes memory evidence,
        bytes memory reason
    ) internal {
        uint256 escrow = jobs.totalEscrow();
        vm.prank(from);
        vm.expectRevert(reason);
        jobs.submitCheckedResult(jobId, env, output, evidence, OUT_KEY);
        JobManager.Job memory j = jobs.getJob(jobId);
        assertEq(uint256(uint8(j.status)), uint256(uint8(JobManager.JobStatus.Assigned)), "still assigned");
        assertEq(j.outputHash, bytes32(0), "no result recorded");
        assertEq(jobs.totalEscrow(), escrow, "nothing paid");
    }

    /// @dev A proof the verifier does not accept: the adapter says false, JobManager refuses the result.
    function badProof(uint256 jobId) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(JobManager.ResultRefused.selector, jobId);
    }

    /// @dev Malformed words: the adapter's own error, re-thrown by JobManager.
    function badWords(uint256 inputWords, uint256 outputWords) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(Groth16Mode.BadZkWords.selector, inputWords, outputWords);
    }

    function statusOf(uint256 jobId) internal view returns (uint8) {
        return uint8(jobs.getJob(jobId).status);
    }

    // ================================================================ happy path

    function test_happyPath_finalizesInOneTransaction() public {
        bytes memory input = w2(7, 11);
        bytes memory env = envelope(input);
        bytes memory output = w1(18);
        uint256 jobId = zkJob(appId, env);
        uint64 seq = jobs.pinOf(jobId).obligationSeq;
        assertEq(registry.openObligations(op), 1, "assignment opened an obligation");
        assertEq(jobs.activeJobs(op), 1);
        uint256[8] memory proof = proofFor(output, input);
        uint256 submitterBefore = token.balanceOf(user);

        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.ResultSubmitted(jobId, op, keccak256(output), bytes32(0), 0, bytes32(0), OUT_KEY);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobFinalized(jobId, op, keccak256(output), MIN_FEE);
        vm.prank(op);
        uint256 g = gasleft();
        jobs.submitCheckedResult(jobId, env, output, abi.encode(proof), OUT_KEY);
        g -= gasleft();
        logUint("submitCheckedResult gas (ZK, 3 signals, test-double verifier)", g);

        JobManager.Job memory j = jobs.getJob(jobId);
        assertEq(uint256(uint8(j.status)), uint256(uint8(JobManager.JobStatus.Finalized)), "final at once");
        assertEq(j.outputHash, keccak256(output));
        assertEq(j.finalStateHash, bytes32(0));
        assertEq(uint256(j.stepCount), 0);
        assertEq(j.checkpointRoot, bytes32(0));
        assertEq(j.outputBlobKey, OUT_KEY);
        assertEq(j.resultOperator, op);
        assertEq(uint256(j.challengeDeadline), 0, "no challenge window");
        assertEq(token.balanceOf(op), MIN_FEE, "fee to the operator");
        assertEq(token.balanceOf(user), submitterBefore + SUBMITTER_DEPOSIT, "deposit back");
        assertEq(jobs.totalEscrow(), 0, "nothing left in escrow");
        assertEq(token.balanceOf(address(jobs)), 0);
        assertEq(uint256(jobs.activeJobs(op)), 0, "capacity freed");
        assertEq(registry.openObligations(op), 0, "obligation closed");
        assertGt(uint256(registry.obligationLowWater(op)), uint256(seq), "low water past the job's obligation");

        // Nothing left to do with the job.
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Finalized));
        jobs.finalize(jobId);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Finalized));
        jobs.submitCheckedResult(jobId, env, output, abi.encode(proof), OUT_KEY);

        // The operator is free to leave with all its stake.
        vm.startPrank(op);
        registry.deregister();
        registry.queueWithdrawal(op, type(uint256).max);
        vm.warp(block.timestamp + WITHDRAWAL_DELAY);
        assertEq(registry.completeWithdrawal(op), 1_000e18, "all of its stake");
        vm.stopPrank();
        assertEq(token.balanceOf(op), MIN_FEE + 1_000e18);
    }

    /// Five signals (three input words, two output words), a circuit-specific verifier of arity 5; the
    /// same statement on a 3-signal verifier finds no function (another selector) and is refused.
    function test_fiveSignals_andArityMismatchRefused() public {
        uint256 app5 = zkApp(address(new HashVerifier5()));
        bytes memory input = w3(1, 2, 3);
        bytes memory output = w2(6, 5);
        bytes memory env = envelope(input);

        uint256 wrongArity = zkJob(appId, env); // verifier of 3 signals, statement of 5
        proveReverts(op, wrongArity, env, output, proofFor(output, input), badProof(wrongArity));

        uint256 jobId = zkJob(app5, env);
        vm.prank(op);
        uint256 g = gasleft();
        jobs.submitCheckedResult(jobId, env, output, abi.encode(proofFor(output, input)), OUT_KEY);
        g -= gasleft();
        logUint("submitCheckedResult gas (ZK, 5 signals, test-double verifier)", g);
        assertEq(statusOf(jobId), uint8(JobManager.JobStatus.Finalized));
        assertEq(jobs.getJob(jobId).outputHash, keccak256(output));
    }

    /// MAX_ZK_SIGNALS at the limit (63 input words + 1 output word) goes through.
    function test_maxSignals_accepted() public {
        uint256 acceptAll = zkApp(address(new RawVerifier(abi.encode(uint256(1)), false)));
        uint256[] memory in63 = new uint256[](63);
        for (uint256 i; i < 63; ++i) {
            in63[i] = R - 1 - i;
        }
        bytes memory env = envelope(words(in63));
        uint256 jobId = zkJob(acceptAll, env);
        uint256[8] memory proof;
        prove(jobId, env, w1(R - 1), proof);
        assertEq(statusOf(jobId), uint8(JobManager.JobStatus.Finalized));
        assertEq(groth16.MAX_ZK_SIGNALS(), 64);
        assertEq(groth16.ZK_VERIFY_GAS(), 1_500_000);
        assertEq(groth16.PROOF_BYTES(), 256);
        assertEq(jobs.MODE_CHECK_GAS(), 2_000_000);
    }

    /// A ZK job's heartbeats may carry any step (they only keep it alive): the result still goes through
    /// with stepCount 0, which a re-execution result below lastStep could not.
    function test_heartbeatsWithSteps_doNotBlockTheResult() public {
        bytes memory input = w2(1, 2);
        bytes memory env = envelope(input);
        uint256 jobId = zkJob(appId, env);
        vm.prank(op);
        jobs.heartbeat(jobId, 500, keccak256("state"), keccak256("cp"));
        vm.warp(block.timestamp + HEARTBEAT_WINDOW / 2);
        prove(jobId, env, w1(3), proofFor(w1(3), input));
        assertEq(statusOf(jobId), uint8(JobManager.JobStatus.Finalized));
        assertEq(uint256(jobs.getJob(jobId).stepCount), 0);
    }

    /// A job nobody can prove (the circuit refuses its input) is declined without penalty and, once every
    /// operator declined, fails with fee and deposit refunded.
    function test_unprovableJob_declinedAndRefunded() public {
        uint256 jobId = zkJob(appId, envelope(w2(1, 2)));
        uint256 before = token.balanceOf(user);
        vm.prank(op);
        jobs.declineJob(jobId);
        assertEq(registry.openObligations(op), 0);
        assertEq(assignNow(jobId), address(0));
        assertEq(statusOf(jobId), uint8(JobManager.JobStatus.Failed));
        assertEq(token.balanceOf(user), before + MIN_FEE + SUBMITTER_DEPOSIT, "refunded");
        assertEq(registry.stakeOf(op), 1_000e18, "no penalty");
    }

    function test_zkSelector_vector() public view {
        assertEq(bytes32(groth16.zkSelector(5)), bytes32(bytes4(0x34baeab9)));
        assertEq(bytes32(groth16.zkSelector(3)), bytes32(HashVerifier3.verifyProof.selector));
        assertEq(bytes32(groth16.zkSelector(5)), bytes32(HashVerifier5.verifyProof.selector));
        assertEq(
            bytes32(groth16.zkSelector(64)),
            bytes32(bytes4(keccak256("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[64])")))
        );
    }

    function test_pin_recordsTheAdapterTheVerifierAndComputeRole() public {
        uint256 jobId = submitWithDigest(user, appId, keccak256(envelope(w2(1, 2))));
        JobManager.Pin memory pin = jobs.pinOf(jobId);
        assertEq(pin.appConfig, address(v3));
        assertEq(pin.adapter, address(groth16));
        assertEq(uint256(pin.mode), MODE_ZK);
        assertEq(uint256(pin.role), COMPUTE);
        assertEq(pin.teeSigner, address(0));
        (uint8 mode,,, address signer, address config) = apps.releaseOf(appId);
        assertEq(uint256(mode), MODE_ZK);
        assertEq(signer, address(0));
        assertEq(config, address(v3));
        assertEq(jobs.modeAdapterOf(MODE_ZK), address(groth16), "the deployment registered Groth16Mode as mode 3");
        assertTrue(apps.modeEnabled(MODE_ZK));
        assertEq(groth16.modeName(), "groth16-snarkjs");
    }

    // ================================================================ attacks: the statement

    /// A valid proof for one job's input does not prove another job: the signals come from each job's own
    /// envelope, and a job's envelope is fixed by its inputDigest.
    function test_attack_proofForAnotherJobsInput_refused() public {
        bytes memory inA = w2(1, 2);
        bytes memory inB = w2(1, 3);
        bytes memory envA = envelope(inA);
        bytes memory envB = envelope(inB);
        uint256 jobA = zkJob(appId, envA);
        uint256 jobB = zkJob(appId, envB);
        bytes memory output = w1(3);
        uint256[8] memory proofA = proofFor(output, inA);

        proveReverts(op, jobB, envB, output, proofA, badProof(jobB)); // A's proof, B's input
        proveReverts(op, jobB, envA, output, proofA, abi.encodeWithSelector(JobManager.InputMismatch.selector, jobB));

        prove(jobA, envA, output, proofA); // where it belongs
        assertEq(statusOf(jobA), uint8(JobManager.JobStatus.Finalized));
        assertEq(statusOf(jobB), uint8(JobManager.JobStatus.Assigned));
    }

    function test_attack_wrongOutput_refused() public {
        bytes memory input = w2(20, 22);
        bytes memory env = envelope(input);
        uint256 jobId = zkJob(appId, env);
        uint256[8] memory proof = proofFor(w1(42), input);
        proveReverts(op, jobId, env, w1(41), proof, badProof(jobId)); // proof of 42, claims 41
        proveReverts(op, jobId, env, w1(41), proofFor(w1(41), w2(20, 21)), badProof(jobId)); // 20+21, not this job
        proveReverts(op, jobId, env, w2(42, 0), proof, badProof(jobId)); // an extra output word
        prove(jobId, env, w1(42), proof);
        assertEq(jobs.getJob(jobId).outputHash, keccak256(w1(42)));
    }

    function test_attack_envelopeNotMatchingInputDigest_refused() public {
        bytes memory input = w2(5, 6);
        bytes memory env = envelope(input);
        uint256 jobId = zkJob(appId, env);
        bytes memory other = envelope(w2(5, 7));
        bytes memory mismatch = abi.encodeWithSelector(JobManager.InputMismatch.selector, jobId);
        proveReverts(op, jobId, other, w1(1), proofFor(w1(1), w2(5, 7)), mismatch);
        // the same input under another program key or stride is another envelope
        bytes memory otherKey = abi.encodePacked(MAGIC, bytes32(uint256(0x2b)), uint64(1), uint32(64), input);
        proveReverts(op, jobId, otherKey, w1(1), proofFor(w1(1), input), mismatch);
        bytes memory trailing = bytes.concat(env, hex"00");
        proveReverts(op, jobId, trailing, w1(1), proofFor(w1(1), input), mismatch);
        prove(jobId, env, w1(1), proofFor(w1(1), input));
    }

    /// The envelope is JobManager's to check (BadEnvelope), before any adapter runs; the words are the Groth16
    /// adapter's (BadZkWords(inputWords, outputWords), re-thrown by JobManager), and so is the proof's length
    /// (BadZkProofLength). The verifier here accepts anything: each malformed job, output or proof is still refused.
    function test_attack_malformedEnvelopeOrOutput_refused() public {
        uint256 acceptAll = zkApp(address(new RawVerifier(abi.encode(uint256(1)), false)));
        uint256[8] memory proof;
        bytes memory two = w2(1, 2);

        // shorter than the 52-byte header
        malformedEnvelope(acceptAll, abi.encodePacked(MAGIC, PROGRAM_KEY));
        malformedEnvelope(acceptAll, hex"");
        malformedEnvelope(acceptAll, abi.encodePacked(MAGIC, PROGRAM_KEY, uint64(1), bytes3(0)));
        // bad magic
        malformedEnvelope(acceptAll, abi.encodePacked(BAD_MAGIC, PROGRAM_KEY, uint64(1), uint32(64), two));
        // inputLength that is not what follows the header (too small, too large, 2^32 - 1)
        malformedEnvelope(acceptAll, abi.encodePacked(MAGIC, PROGRAM_KEY, uint64(1), uint32(32), two));
        malformedEnvelope(acceptAll, abi.encodePacked(MAGIC, PROGRAM_KEY, uint64(1), uint32(96), two));
        malformedEnvelope(acceptAll, abi.encodePacked(MAGIC, PROGRAM_KEY, uint64(1), type(uint32).max, two));
        // an input that is not whole words
        malformed(acceptAll, envelope(bytes.concat(two, hex"01")), w1(1), badWords(2, 1));
        malformed(acceptAll, envelope(hex"01"), w1(1), badWords(0, 1));
        // too many words: 60 + 5 > 64
        uint256[] memory in60 = new uint256[](60);
        uint256[] memory out5 = new uint256[](5);
        malformed(acceptAll, envelope(words(in60)), words(out5), badWords(60, 5));
        // no output, or an output that is not whole words
        malformed(acceptAll, envelope(two), hex"", badWords(2, 0));
        malformed(
            acceptAll,
            envelope(two),
            hex"0000000000000000000000000000000000000000000000000000000000000001ff",
            badWords(2, 1)
        );
        malformed(acceptAll, envelope(two), hex"01", badWords(2, 0));
        // output words that are not field elements
        malformed(acceptAll, envelope(two), w1(R), badWords(2, 1));
        malformed(acceptAll, envelope(two), w2(0, type(uint256).max), badWords(2, 2));
        malformed(acceptAll, envelope(two), w3(R - 1, 5, R + 1), badWords(2, 3));

        // an input without words (a constant circuit) and r - 1 are fine
        uint256 jobId = zkJob(acceptAll, envelope(hex""));
        prove(jobId, envelope(hex""), w1(R - 1), proof);
        assertEq(statusOf(jobId), uint8(JobManager.JobStatus.Finalized));
    }

    /// The evidence of the Groth16 mode is the proof's 8 words, abi.encode(uint256[8]): exactly 256 bytes. Any other
    /// length is refused with BadZkProofLength before the verifier is asked (the verifier here accepts anything).
    function test_attack_proofOfTheWrongLength_refused() public {
        uint256 acceptAll = zkApp(address(new RawVerifier(abi.encode(uint256(1)), false)));
        bytes memory env = envelope(w2(1, 2));
        uint256[] memory dynamicProof = new uint256[](8);
        bytes[5] memory evidences = [
            bytes(hex""),
            new bytes(255),
            new bytes(257),
            abi.encode(dynamicProof), // offset + length + 8 words: 320 bytes
            new bytes(7 * 32)
        ];
        for (uint256 i; i < evidences.length; ++i) {
            uint256 jobId = zkJob(acceptAll, env);
            proveRawReverts(
                op,
                jobId,
                env,
                w1(3),
                evidences[i],
                abi.encodeWithSelector(Groth16Mode.BadZkProofLength.selector, evidences[i].length)
            );
            vm.prank(op);
            jobs.declineJob(jobId);
        }
        uint256 okJob = zkJob(acceptAll, env);
        vm.prank(op);
        jobs.submitCheckedResult(okJob, env, w1(3), new bytes(256), OUT_KEY); // control: 256 bytes reach the verifier
        assertEq(statusOf(okJob), uint8(JobManager.JobStatus.Finalized));
    }

    /// @dev A fresh job whose inputDigest is keccak256(env): the result is refused with `reason`; then the
    ///      operator declines it so its capacity (maxActiveJobs) is free for the next case.
    function malformed(uint256 app, bytes memory env, bytes memory output, bytes memory reason) internal {
        uint256 jobId = zkJob(app, env);
        uint256[8] memory proof;
        proveReverts(op, jobId, env, output, proof, reason);
        vm.prank(op);
        jobs.declineJob(jobId);
    }

    /// @dev As malformed, for an envelope JobManager refuses itself (BadEnvelope) whatever the output.
    function malformedEnvelope(uint256 app, bytes memory env) internal {
        uint256 jobId = zkJob(app, env);
        uint256[8] memory proof;
        proveReverts(op, jobId, env, w1(1), proof, abi.encodeWithSelector(JobManager.BadEnvelope.selector, jobId));
        vm.prank(op);
        jobs.declineJob(jobId);
    }

    function testFuzz_outputWordAtOrAboveR_refused(uint256 word, uint8 position) public {
        word = bound(word, R, type(uint256).max);
        uint256 acceptAll = zkApp(address(new RawVerifier(abi.encode(uint256(1)), false)));
        uint256[] memory out = new uint256[](4);
        out[position % 4] = word;
        bytes memory env = envelope(w1(9));
        uint256 jobId = zkJob(acceptAll, env);
        uint256[8] memory proof;
        proveReverts(op, jobId, env, words(out), proof, badWords(1, 4));
    }

    // ================================================================ attacks: who and when

    function test_attack_nonAssigneeSubmits_refused() public {
        bytes memory input = w2(1, 2);
        bytes memory env = envelope(input);
        uint256 jobId = zkJob(appId, env);
        address thief = makeAddr("thief");
        uint256[8] memory proof = proofFor(w1(3), input);
        proveReverts(
            thief, jobId, env, w1(3), proof, abi.encodeWithSelector(JobManager.NotAssignee.selector, jobId, thief)
        );
        proveReverts(
            user, jobId, env, w1(3), proof, abi.encodeWithSelector(JobManager.NotAssignee.selector, jobId, user)
        );
        prove(jobId, env, w1(3), proof);
        assertEq(token.balanceOf(thief), 0);
        assertEq(token.balanceOf(op), MIN_FEE);
    }

    function test_attack_submitAfterDeadline_refused() public {
        bytes memory input = w2(1, 2);
        bytes memory env = envelope(input);
        uint256 jobId = zkJob(appId, env);
        uint64 deadline = jobs.getJob(jobId).deadline;
        vm.warp(uint256(deadline) + 1);
        proveReverts(
            op,
            jobId,
            env,
            w1(3),
            proofFor(w1(3), input),
            abi.encodeWithSelector(JobManager.DeadlinePassed.selector, jobId, deadline)
        );
        // a late prover is a missed deadline like any other
        jobs.reportMissed(jobId);
        assertTrue(jobs.hasFailed(jobId, op));
        assertEq(registry.openObligations(op), 0);
    }

    function test_attack_queuedJob_refused() public {
        bytes memory input = w2(1, 2);
        bytes memory env = envelope(input);
        uint256 jobId = submitWithDigest(user, appId, keccak256(env));
        uint256[8] memory proof = proofFor(w1(3), input);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Queued));
        jobs.submitCheckedResult(jobId, env, w1(3), abi.encode(proof), OUT_KEY);
    }

    // ================================================================ attacks: the wrong entry point

    /// submitResult would take any commitment for a job with no TEE signer, and a ZK job has none: it is
    /// refused, as is submitTeeResult; only a proof ends a ZK job.
    function test_attack_submitResultOnZkJob_refused() public {
        uint256 jobId = zkJob(appId, envelope(w2(1, 2)));
        bytes memory wrongMode = abi.encodeWithSelector(JobManager.WrongMode.selector, jobId, MODE_ZK);
        vm.prank(op);
        vm.expectRevert(wrongMode);
        jobs.submitResult(jobId, keccak256(w1(666)), bytes32(0), 0, bytes32(0), OUT_KEY);
        vm.prank(op);
        vm.expectRevert(wrongMode);
        jobs.submitTeeResult(jobId, keccak256(w1(666)), bytes32(0), 0, bytes32(0), OUT_KEY, new bytes(65));
        assertEq(statusOf(jobId), uint8(JobManager.JobStatus.Assigned));
        assertEq(jobs.getJob(jobId).outputHash, bytes32(0));
    }

    function test_attack_submitCheckedResultOnOtherModes_refused() public {
        // an intersubjective job
        uint256 reexec = createApp(dev, MODE_INTERSUBJECTIVE);
        bytes memory input = w2(1, 2);
        bytes memory env = envelope(input);
        uint256 jobId = zkJob(reexec, env);
        proveReverts(
            op,
            jobId,
            env,
            w1(3),
            proofFor(w1(3), input),
            abi.encodeWithSelector(JobManager.WrongMode.selector, jobId, MODE_INTERSUBJECTIVE)
        );
        // a TEE job
        address teeOp = operator("tee-op", TEE, 1_000e18);
        activate();
        uint256 tee = createApp(dev, MODE_TEE);
        vm.prank(dev);
        apps.setTeeSigner(tee, makeAddr("app-wallet"));
        uint256 teeJob = submitWithDigest(user, tee, keccak256(env));
        assertEq(assignNow(teeJob), teeOp);
        proveReverts(
            teeOp,
            teeJob,
            env,
            w1(3),
            proofFor(w1(3), input),
            abi.encodeWithSelector(JobManager.WrongMode.selector, teeJob, MODE_TEE)
        );
    }

    function test_attack_challengeFinalizedZkJob_refused() public {
        bytes memory input = w2(1, 2);
        bytes memory env = envelope(input);
        uint256 jobId = zkJob(appId, env);
        prove(jobId, env, w1(3), proofFor(w1(3), input));
        address watcher = makeAddr("watcher");
        fund(watcher, CHALLENGE_BOND);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Finalized));
        jobs.challenge(jobId, keccak256(w1(4)), bytes32(0), 0, bytes32(0));
        assertEq(token.balanceOf(watcher), CHALLENGE_BOND, "no bond taken");
        assertEq(jobs.disputeCount(), 0);
    }

    // ================================================================ attacks: hostile verifiers

    /// Whatever a verifier does other than return exactly one 32-byte word holding 1 is a refusal.
    function test_attack_verifierAnswers_onlyExactOneAccepted() public {
        bytes memory input = w2(1, 2);
        bytes memory env = envelope(input);
        bytes memory output = w1(3);
        uint256[8] memory proof = proofFor(output, input);

        bytes[7] memory refused = [
            abi.encode(uint256(0)), // false
            abi.encode(uint256(2)), // not 1
            bytes(hex""), // nothing
            abi.encodePacked(bytes31(0)), // short
            abi.encodePacked(uint248(1)), // short, ends in 1
            abi.encode(uint256(1), uint256(1)), // long
            bytes.concat(abi.encode(uint256(1)), hex"00") // one byte too long
        ];
        for (uint256 i; i < refused.length; ++i) {
            uint256 app = zkApp(address(new RawVerifier(refused[i], false)));
            uint256 jobId = zkJob(app, env);
            proveReverts(op, jobId, env, output, proof, badProof(jobId));
            vm.prank(op);
            jobs.declineJob(jobId);
        }
        // reverting, with or without data (even data that looks like an acceptance)
        bytes[2] memory reverts = [bytes(hex""), abi.encode(uint256(1))];
        for (uint256 i; i < reverts.length; ++i) {
            uint256 app = zkApp(address(new RawVerifier(reverts[i], true)));
            uint256 jobId = zkJob(app, env);
            proveReverts(op, jobId, env, output, proof, badProof(jobId));
            vm.prank(op);
            jobs.declineJob(jobId);
        }
        // the control: exactly abi.encode(1) is accepted
        uint256 ok = zkApp(address(new RawVerifier(abi.encode(uint256(1)), false)));
        uint256 okJob = zkJob(ok, env);
        prove(okJob, env, output, proof);
        assertEq(statusOf(okJob), uint8(JobManager.JobStatus.Finalized));
    }

    /// A verifier that burns all its gas gets ZK_VERIFY_GAS, not the transaction's: the adapter says false and the
    /// call reverts with ResultRefused, with gas left to do so, even when the transaction has little more than
    /// the cap.
    function test_attack_gasBurningVerifier_capped() public {
        uint256 app = zkApp(address(new GasBurner()));
        bytes memory input = w2(1, 2);
        bytes memory env = envelope(input);
        uint256 jobId = zkJob(app, env);
        uint256[8] memory proof = proofFor(w1(3), input);
        bytes memory output = w1(3);

        vm.prank(op);
        vm.expectRevert(badProof(jobId));
        jobs.submitCheckedResult{gas: 1_700_000}(jobId, env, output, abi.encode(proof), OUT_KEY);

        vm.prank(op);
        uint256 g = gasleft();
        vm.expectRevert(badProof(jobId));
        jobs.submitCheckedResult{gas: 20_000_000}(jobId, env, output, abi.encode(proof), OUT_KEY);
        g -= gasleft();
        logUint("gas of a refused call to a gas-burning verifier", g);
        assertLt(g, 1_700_000, "the verifier got at most ZK_VERIFY_GAS");
        assertGt(g, 1_500_000, "and burned it");
        assertEq(statusOf(jobId), uint8(JobManager.JobStatus.Assigned));
    }

    /// The verifier is called with staticcall: one that writes state cannot accept, and one that calls back
    /// into JobManager cannot change anything (the reentry fails, so it does not accept either).
    function test_attack_statefulOrReenteringVerifier_refused() public {
        bytes memory input = w2(1, 2);
        bytes memory env = envelope(input);
        bytes memory output = w1(3);
        uint256[8] memory proof = proofFor(output, input);

        StatefulVerifier stateful = new StatefulVerifier();
        uint256 jobS = zkJob(zkApp(address(stateful)), env);
        proveReverts(op, jobS, env, output, proof, badProof(jobS));
        assertEq(stateful.calls(), 0);

        Reenterer re = new Reenterer(address(jobs));
        uint256 reApp = zkApp(address(re));
        uint256 jobR = zkJob(reApp, env);
        // a second job, queued with its seed block mined: anyone could assign it outside the verifier
        uint256 other = submitWithDigest(user, appId, keccak256(env));
        mine(2);

        bytes[2] memory payloads = [
            abi.encodeCall(JobManager.submitCheckedResult, (jobR, env, output, abi.encode(proof), OUT_KEY)),
            abi.encodeCall(JobManager.assign, (other))
        ];
        for (uint256 i; i < payloads.length; ++i) {
            re.setPayload(payloads[i]);
            proveReverts(op, jobR, env, output, proof, badProof(jobR));
        }
        assertEq(statusOf(other), uint8(JobManager.JobStatus.Queued), "the reentrant assign did nothing");

        // Outside a verifier call the same assign works (the payload was sound; the staticcall stopped it).
        re.setPayload(payloads[1]);
        (bool ok,) = address(re).call(hex"");
        assertTrue(ok);
        assertEq(statusOf(other), uint8(JobManager.JobStatus.Assigned));
    }

    // ================================================================ attacks: the verifier and the app

    /// An app owner that swaps its verifier mid-job changes nothing for the job: it keeps the pinned one.
    function test_attack_verifierSwapMidJob_doesNotAffectPinned() public {
        bytes memory input = w2(1, 2);
        bytes memory env = envelope(input);
        uint256 jobId = zkJob(appId, env);
        address acceptAll = address(new RawVerifier(abi.encode(uint256(1)), false));
        vm.prank(dev);
        apps.setAppConfig(appId, acceptAll);
        assertEq(apps.appConfigOf(appId), acceptAll);
        assertEq(jobs.pinOf(jobId).appConfig, address(v3), "the job keeps its verifier");

        uint256[8] memory forged;
        proveReverts(op, jobId, env, w1(666), forged, badProof(jobId)); // the new verifier would take it
        prove(jobId, env, w1(3), proofFor(w1(3), input));
        assertEq(jobs.getJob(jobId).outputHash, keccak256(w1(3)));

        // swapping to a verifier that refuses everything does not block a pinned job either
        uint256 job2 = zkJob(appId, env); // pins acceptAll
        address refuseAll = address(new RawVerifier(hex"", true));
        vm.prank(dev);
        apps.setAppConfig(appId, refuseAll);
        prove(job2, env, w1(666), forged);
        assertEq(jobs.pinOf(job2).appConfig, acceptAll);
        assertEq(statusOf(job2), uint8(JobManager.JobStatus.Finalized));
    }

    function test_submitJob_refusedWithoutVerifier() public {
        uint256 bare = createApp(dev, MODE_ZK);
        assertEq(apps.appConfigOf(bare), address(0));
        fund(user, MIN_FEE + SUBMITTER_DEPOSIT);
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NoAppConfig.selector, bare));
        jobs.submitJob(bare, keccak256("input"), keccak256("digest"), 1_000, MIN_FEE);
        vm.prank(dev);
        apps.setAppConfig(bare, address(v3));
        vm.prank(user);
        assertGt(jobs.submitJob(bare, keccak256("input"), keccak256("digest"), 1_000, MIN_FEE), 0, "taken once set");
    }

    function test_setAppConfig_ownerOfAnAdapterModeAppAndAContractOnly() public {
        uint256 id = createApp(dev, MODE_ZK);
        uint256 reexec = createApp(dev, MODE_INTERSUBJECTIVE);
        uint256 tee = createApp(dev, MODE_TEE);
        address stranger = makeAddr("stranger");

        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAppOwner.selector, id, stranger));
        apps.setAppConfig(id, address(v3));
        vm.startPrank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAdapterMode.selector, reexec));
        apps.setAppConfig(reexec, address(v3));
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAdapterMode.selector, tee));
        apps.setAppConfig(tee, address(v3));
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAContract.selector, stranger));
        apps.setAppConfig(id, stranger);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAContract.selector, address(0)));
        apps.setAppConfig(id, address(0));
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 99));
        apps.setAppConfig(99, address(v3));
        assertEq(apps.appConfigOf(id), address(0));

        vm.expectEmit(true, false, false, true, address(apps));
        emit AppRegistry.AppConfigSet(id, address(v3));
        apps.setAppConfig(id, address(v3));
        // an upgrade keeps the verifier (a new circuit comes with a new verifier, set by the owner)
        apps.upgradeApp(id, keccak256("artifact v2"), "");
        vm.stopPrank();
        assertEq(apps.appConfigOf(id), address(v3));
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.UnknownApp.selector, 99));
        apps.appConfigOf(99);

        // the new owner of a transferred app sets it, the old one no longer can
        vm.prank(dev);
        apps.transferApp(id, stranger);
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAppOwner.selector, id, dev));
        apps.setAppConfig(id, address(this));
    }

    function test_createApp_objectiveStillRefused() public {
        vm.prank(address(timelock));
        apps.setAllowlisted(dev, true);
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.ModeNotAvailable.selector, MODE_OBJECTIVE));
        apps.createApp(MODE_OBJECTIVE, keccak256("program"), "");
        vm.prank(dev);
        assertEq(apps.modeOf(apps.createApp(MODE_ZK, keccak256("artifact"), "")), MODE_ZK);
    }
}
