// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementFixture} from "./SettlementFixture.sol";
import {AppRegistry} from "../src/AppRegistry.sol";
import {JobManager} from "../src/JobManager.sol";
import {IResultMode} from "../src/IResultMode.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {RawVerifier, GasBurner, StatefulVerifier, Reenterer} from "./ModeDoubles.sol";

// ---------------------------------------------------------------- a third party's mode
//
// What a coprocessor brings to add its own acceptance rule, without any change to JobManager: an IResultMode
// adapter (deployed by anyone, registered by governance) and a per-app config contract (named by the app owner).

/// @notice A per-app config of SignedResultMode: the key whose signature makes a result final (an attested
///         oracle, a committee's aggregate key, ...). The app owner deploys it and names it in setAppConfig.
contract SignerBook {
    address public immutable signer;

    constructor(address signer_) {
        signer = signer_;
    }
}

/// @notice A third-party mode: a result is final when the app's signer signed the statement (this JobManager, the
///         job, the pinned program, the job's input and the output). The evidence is the 65-byte signature.
contract SignedResultMode is IResultMode {
    error BadSignatureLength(uint256 length);

    function modeName() external pure returns (string memory) {
        return "signed-result-v1";
    }

    /// @notice What the app's signer signs (raw digest, no EIP-191 prefix); `jobManager` is the caller.
    function statement(
        address jobManager,
        uint256 jobId,
        bytes32 programDigest,
        bytes calldata input,
        bytes calldata output
    ) public view returns (bytes32) {
        return keccak256(
            abi.encode(
                "signed-result-v1", block.chainid, jobManager, jobId, programDigest, keccak256(input), keccak256(output)
            )
        );
    }

    function checkResult(
        uint256 jobId,
        bytes32 programDigest,
        address appConfig,
        bytes calldata input,
        bytes calldata output,
        bytes calldata evidence
    ) external view returns (bool) {
        if (evidence.length != 65) revert BadSignatureLength(evidence.length);
        bytes32 digest = statement(msg.sender, jobId, programDigest, input, output);
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, evidence);
        return err == ECDSA.RecoverError.NoError && recovered == SignerBook(appConfig).signer();
    }
}

/// @notice Reverts with everything it was given, so a test sees exactly what JobManager hands an adapter.
contract EchoMode is IResultMode {
    error Seen(uint256 jobId, bytes32 programDigest, address appConfig, bytes input, bytes output, bytes evidence);

    function modeName() external pure returns (string memory) {
        return "echo";
    }

    function checkResult(
        uint256 jobId,
        bytes32 programDigest,
        address appConfig,
        bytes calldata input,
        bytes calldata output,
        bytes calldata evidence
    ) external pure returns (bool) {
        revert Seen(jobId, programDigest, appConfig, input, output, evidence);
    }
}

/// @notice The mode registry (docs/spec/modes.md §2): governance registers adapters under mode codes >= 3 and
///         enables their apps; a job pins its adapter and its app's config; submitCheckedResult hands the pinned
///         adapter the job's own statement. A third party's mode (4 here) is added by governance calls only.
contract ModeRegistryTest is SettlementFixture {
    uint8 internal constant MODE_SIGNED = 4;
    bytes32 internal constant PROGRAM_KEY = bytes32(uint256(0x2a));
    bytes32 internal constant OUT_KEY = keccak256("mode-output-blob");
    bytes8 internal constant MAGIC = "TDJOBIN1";
    uint256 internal constant SIGNER_KEY = 0xA11CE;

    address internal dev;
    address internal user;
    address internal op;
    address internal stranger;
    address internal acceptAll;
    address internal refuseAll;
    SignerBook internal book;

    function setUp() public override {
        super.setUp();
        dev = makeAddr("dev");
        user = makeAddr("user");
        stranger = makeAddr("stranger");
        op = operator("mode-op", COMPUTE, 1_000e18);
        activate();
        acceptAll = address(new RawVerifier(abi.encode(uint256(1)), false));
        refuseAll = address(new RawVerifier(abi.encode(uint256(0)), false));
        book = new SignerBook(vm.addr(SIGNER_KEY));
    }

    // ================================================================ helpers

    /// @dev Schedules `data` on `target` in the timelock and waits its delay; executeGov runs it later.
    function scheduleGov(address target, bytes memory data) internal returns (bytes32 salt) {
        salt = keccak256(abi.encode(target, data, block.timestamp, "scheduled"));
        vm.prank(admin);
        timelock.schedule(target, 0, data, bytes32(0), salt, TIMELOCK_DELAY);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
    }

    function executeGov(address target, bytes memory data, bytes32 salt) internal {
        vm.prank(admin);
        timelock.execute(target, 0, data, bytes32(0), salt);
    }

    /// @dev The timelock registers `adapter` for MODE_SIGNED at once (the delay is shown by the tests that need it).
    function setAdapterNow(address adapter) internal {
        vm.prank(address(timelock));
        jobs.setModeAdapter(MODE_SIGNED, adapter);
    }

    /// @dev Governance enables `mode` for apps and registers `adapter` for it (two timelocked calls).
    function addMode(uint8 mode, address adapter) internal {
        governance(address(apps), abi.encodeCall(AppRegistry.setModeEnabled, (mode, true)));
        governance(address(jobs), abi.encodeCall(JobManager.setModeAdapter, (mode, adapter)));
    }

    /// @dev An app of `mode` owned by `dev` with `config` as its app config.
    function modeApp(uint8 mode, address config) internal returns (uint256 id) {
        id = createApp(dev, mode);
        vm.prank(dev);
        apps.setAppConfig(id, config);
    }

    function envelope(bytes memory input) internal pure returns (bytes memory) {
        return abi.encodePacked(MAGIC, PROGRAM_KEY, uint64(1), uint32(input.length), input);
    }

    /// @dev A job of `app` whose envelope is `env`, assigned to `op` (the only operator).
    function job(uint256 app, bytes memory env) internal returns (uint256 jobId) {
        jobId = submitWithDigest(user, app, keccak256(env));
        assertEq(assignNow(jobId), op, "the only operator");
    }

    function check(uint256 jobId, bytes memory env, bytes memory output, bytes memory evidence) internal {
        vm.prank(op);
        jobs.submitCheckedResult(jobId, env, output, evidence, OUT_KEY);
    }

    /// @dev The result is refused with `reason` and nothing changes; then op declines the job (capacity).
    function refused(uint256 jobId, bytes memory env, bytes memory output, bytes memory evidence, bytes memory reason)
        internal
    {
        uint256 escrow = jobs.totalEscrow();
        vm.prank(op);
        vm.expectRevert(reason);
        jobs.submitCheckedResult(jobId, env, output, evidence, OUT_KEY);
        assertEq(statusOf(jobId), uint8(JobManager.JobStatus.Assigned), "still assigned");
        assertEq(jobs.getJob(jobId).outputHash, bytes32(0), "no result recorded");
        assertEq(jobs.totalEscrow(), escrow, "nothing paid");
    }

    function resultRefused(uint256 jobId) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(JobManager.ResultRefused.selector, jobId);
    }

    function decline(uint256 jobId) internal {
        vm.prank(op);
        jobs.declineJob(jobId);
    }

    function statusOf(uint256 jobId) internal view returns (uint8) {
        return uint8(jobs.getJob(jobId).status);
    }

    function sign(uint256 jobId, bytes32 programDigest, bytes memory input, bytes memory output)
        internal
        view
        returns (bytes memory)
    {
        return signWith(SIGNER_KEY, jobId, programDigest, input, output);
    }

    function signWith(uint256 key, uint256 jobId, bytes32 programDigest, bytes memory input, bytes memory output)
        internal
        view
        returns (bytes memory)
    {
        bytes32 digest = keccak256(
            abi.encode(
                "signed-result-v1",
                block.chainid,
                address(jobs),
                jobId,
                programDigest,
                keccak256(input),
                keccak256(output)
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    // ================================================================ a third party's mode, end to end

    /// A coprocessor's mode goes live through two governance calls (setModeEnabled, setModeAdapter) and the app
    /// owner's setAppConfig: JobManager's and AppRegistry's code are the same before and after, and the job runs
    /// the whole lifecycle (escrow, assignment, result, finality, payment, obligation) like any other.
    function test_thirdPartyMode_addedByGovernanceOnly_endToEnd() public {
        bytes32 jobsCode = address(jobs).codehash;
        bytes32 appsCode = address(apps).codehash;
        SignedResultMode mode = new SignedResultMode(); // deployed by the third party, not by governance
        governanceAddsSignedMode(mode);

        uint256 app = modeApp(MODE_SIGNED, address(book));
        assertEq(apps.modeOf(app), MODE_SIGNED);
        uint256 jobId = job(app, envelope(SIGNED_INPUT));
        JobManager.Pin memory pin = jobs.pinOf(jobId);
        assertEq(uint256(pin.mode), MODE_SIGNED);
        assertEq(pin.adapter, address(mode));
        assertEq(pin.appConfig, address(book));
        assertEq(uint256(pin.role), COMPUTE);
        assertEq(registry.openObligations(op), 1);

        signedRefusals(jobId, pin.programDigest);
        signedFinal(jobId, pin.programDigest);

        assertEq(address(jobs).codehash, jobsCode, "JobManager unchanged");
        assertEq(address(apps).codehash, appsCode, "AppRegistry unchanged");
    }

    bytes internal constant SIGNED_INPUT = "any bytes: this mode has no words";
    bytes internal constant SIGNED_OUTPUT = "the answer";

    /// @dev Before governance acts, no app of mode 4 and nobody else can add it; then the two timelocked calls.
    function governanceAddsSignedMode(SignedResultMode mode) internal {
        vm.prank(address(timelock));
        apps.setAllowlisted(dev, true);
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.ModeNotAvailable.selector, MODE_SIGNED));
        apps.createApp(MODE_SIGNED, keccak256("program"), "");
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, dev));
        jobs.setModeAdapter(MODE_SIGNED, address(mode));

        bytes memory enable = abi.encodeCall(AppRegistry.setModeEnabled, (MODE_SIGNED, true));
        bytes32 salt = scheduleGov(address(apps), enable);
        vm.expectEmit(true, false, false, true, address(apps));
        emit AppRegistry.ModeEnabledSet(MODE_SIGNED, true);
        executeGov(address(apps), enable, salt);
        bytes memory register = abi.encodeCall(JobManager.setModeAdapter, (MODE_SIGNED, address(mode)));
        salt = scheduleGov(address(jobs), register);
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.ModeAdapterSet(MODE_SIGNED, address(mode));
        executeGov(address(jobs), register, salt);
        assertTrue(apps.modeEnabled(MODE_SIGNED));
        assertEq(jobs.modeAdapterOf(MODE_SIGNED), address(mode));
        assertEq(IResultMode(jobs.modeAdapterOf(MODE_SIGNED)).modeName(), "signed-result-v1");
    }

    /// @dev Refused: another signer, another output, another job, another program, a malformed signature; and
    ///      the built-in entry points refuse the job: only its adapter ends it.
    function signedRefusals(uint256 jobId, bytes32 program) internal {
        bytes memory env = envelope(SIGNED_INPUT);
        bytes memory out = SIGNED_OUTPUT;
        bytes memory no = resultRefused(jobId);
        refused(jobId, env, out, signWith(0xB0B, jobId, program, SIGNED_INPUT, out), no);
        refused(jobId, env, out, sign(jobId, program, SIGNED_INPUT, "another answer"), no);
        refused(jobId, env, out, sign(jobId + 1, program, SIGNED_INPUT, out), no);
        refused(jobId, env, out, sign(jobId, keccak256("other"), SIGNED_INPUT, out), no);
        refused(jobId, env, out, sign(jobId, program, "another input", out), no);
        // the adapter's own error, re-thrown
        refused(jobId, env, out, hex"00", abi.encodeWithSelector(SignedResultMode.BadSignatureLength.selector, 1));
        refused(jobId, env, out, new bytes(65), no);

        bytes memory wrongMode = abi.encodeWithSelector(JobManager.WrongMode.selector, jobId, MODE_SIGNED);
        vm.prank(op);
        vm.expectRevert(wrongMode);
        jobs.submitResult(jobId, keccak256(out), bytes32(0), 0, bytes32(0), OUT_KEY);
        vm.prank(op);
        vm.expectRevert(wrongMode);
        jobs.submitTeeResult(jobId, keccak256(out), bytes32(0), 0, bytes32(0), OUT_KEY, new bytes(65));
    }

    /// @dev The signer's signature makes the result final at once: paid, obligation closed, unchallengeable.
    function signedFinal(uint256 jobId, bytes32 program) internal {
        bytes memory out = SIGNED_OUTPUT;
        bytes memory evidence = sign(jobId, program, SIGNED_INPUT, out);
        bytes memory env = envelope(SIGNED_INPUT);
        uint256 userBefore = token.balanceOf(user);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.ResultSubmitted(jobId, op, keccak256(out), bytes32(0), 0, bytes32(0), OUT_KEY);
        vm.expectEmit(true, true, false, true, address(jobs));
        emit JobManager.JobFinalized(jobId, op, keccak256(out), MIN_FEE);
        vm.prank(op);
        uint256 g = gasleft();
        jobs.submitCheckedResult(jobId, env, out, evidence, OUT_KEY);
        g -= gasleft();
        logUint("submitCheckedResult gas (third-party signed-result mode)", g);

        JobManager.Job memory j = jobs.getJob(jobId);
        assertEq(uint256(uint8(j.status)), uint256(uint8(JobManager.JobStatus.Finalized)), "final at once");
        assertEq(j.outputHash, keccak256(out));
        assertEq(j.outputBlobKey, OUT_KEY);
        assertEq(j.resultOperator, op);
        assertEq(uint256(j.challengeDeadline), 0, "no challenge window");
        assertEq(token.balanceOf(op), MIN_FEE, "fee to the operator");
        assertEq(token.balanceOf(user), userBefore + SUBMITTER_DEPOSIT, "deposit back");
        assertEq(jobs.totalEscrow(), 0);
        assertEq(uint256(jobs.activeJobs(op)), 0);
        assertEq(registry.openObligations(op), 0, "obligation closed");

        address watcher = makeAddr("watcher");
        fund(watcher, CHALLENGE_BOND);
        vm.prank(watcher);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Finalized));
        jobs.challenge(jobId, keccak256("other"), bytes32(0), 0, bytes32(0));
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(JobManager.WrongStatus.selector, jobId, JobManager.JobStatus.Finalized));
        jobs.submitCheckedResult(jobId, env, out, evidence, OUT_KEY);
    }

    /// The adapter gets exactly the job's statement: the job id, the program digest and the app config pinned at
    /// submission (an upgrade and a config swap mid-job change neither), the input from the job's own envelope,
    /// the submitted output and evidence. (EchoMode reverts with its arguments; JobManager re-throws them.)
    function test_adapterReceivesThePinnedStatement() public {
        addMode(MODE_SIGNED, address(new EchoMode()));
        uint256 app = modeApp(MODE_SIGNED, address(book));
        bytes memory input = hex"0102030405";
        bytes memory env = envelope(input);
        uint256 jobId = job(app, env);

        vm.startPrank(dev);
        apps.upgradeApp(app, keccak256("program v2"), "");
        apps.setAppConfig(app, acceptAll);
        vm.stopPrank();

        refused(
            jobId,
            env,
            hex"beef",
            hex"cafe",
            abi.encodeWithSelector(
                EchoMode.Seen.selector, jobId, keccak256("program"), address(book), input, hex"beef", hex"cafe"
            )
        );
        // An empty input and output go through as empty.
        uint256 empty = job(app, envelope(""));
        refused(
            empty,
            envelope(""),
            "",
            "",
            abi.encodeWithSelector(EchoMode.Seen.selector, empty, keccak256("program v2"), acceptAll, "", "", "")
        );
    }

    /// JobManager checks the envelope before any adapter runs: the statement is never the operator's to choose.
    function test_envelopeCheckedBeforeTheAdapter() public {
        addMode(MODE_SIGNED, acceptAll);
        uint256 app = modeApp(MODE_SIGNED, address(book));
        bytes memory env = envelope("input");
        uint256 jobId = job(app, env);
        refused(jobId, envelope("other"), "out", "", abi.encodeWithSelector(JobManager.InputMismatch.selector, jobId));
        decline(jobId);

        bytes memory noHeader = "short";
        uint256 bad = job(app, noHeader);
        refused(bad, noHeader, "out", "", abi.encodeWithSelector(JobManager.BadEnvelope.selector, bad));
        decline(bad);
        bytes memory badMagic = abi.encodePacked(bytes8("TDJOBIN0"), PROGRAM_KEY, uint64(1), uint32(1), hex"00");
        bad = job(app, badMagic);
        refused(bad, badMagic, "out", "", abi.encodeWithSelector(JobManager.BadEnvelope.selector, bad));
        decline(bad);
        bytes memory badLength = abi.encodePacked(MAGIC, PROGRAM_KEY, uint64(1), uint32(2), hex"00");
        bad = job(app, badLength);
        refused(bad, badLength, "out", "", abi.encodeWithSelector(JobManager.BadEnvelope.selector, bad));
        decline(bad);

        uint256 ok = job(app, env);
        check(ok, env, "out", "");
        assertEq(statusOf(ok), uint8(JobManager.JobStatus.Finalized));
    }

    // ================================================================ pinning

    /// Governance swapping a mode's adapter mid-job changes nothing for live jobs: each keeps the adapter it pinned
    /// at submission, whichever way the swap goes; unregistering the mode stops new jobs only.
    function test_adapterSwappedMidJob_doesNotAffectPinned() public {
        addMode(MODE_SIGNED, acceptAll);
        uint256 app = modeApp(MODE_SIGNED, address(book));
        bytes memory env = envelope("x");

        // accept-all pinned, then the registry moves to refuse-all: the job still finalizes through its pin
        bytes memory toRefuse = abi.encodeCall(JobManager.setModeAdapter, (MODE_SIGNED, refuseAll));
        bytes32 salt = scheduleGov(address(jobs), toRefuse);
        uint256 job1 = job(app, env);
        executeGov(address(jobs), toRefuse, salt);
        assertEq(jobs.modeAdapterOf(MODE_SIGNED), refuseAll);
        assertEq(jobs.pinOf(job1).adapter, acceptAll, "the job keeps its adapter");
        check(job1, env, "anything", "");
        assertEq(statusOf(job1), uint8(JobManager.JobStatus.Finalized));

        // refuse-all pinned, then the registry moves back to accept-all: the job stays refused
        bytes memory toAccept = abi.encodeCall(JobManager.setModeAdapter, (MODE_SIGNED, acceptAll));
        salt = scheduleGov(address(jobs), toAccept);
        uint256 job2 = job(app, env);
        executeGov(address(jobs), toAccept, salt);
        assertEq(jobs.pinOf(job2).adapter, refuseAll);
        refused(job2, env, "anything", "", resultRefused(job2));

        // unregistering the mode: no new job, the live one keeps its adapter
        bytes memory unregister = abi.encodeCall(JobManager.setModeAdapter, (MODE_SIGNED, address(0)));
        salt = scheduleGov(address(jobs), unregister);
        uint256 job3 = job(app, env);
        executeGov(address(jobs), unregister, salt);
        assertEq(jobs.modeAdapterOf(MODE_SIGNED), address(0));
        fund(user, MIN_FEE + SUBMITTER_DEPOSIT);
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.ModeNotRegistered.selector, MODE_SIGNED));
        jobs.submitJob(app, keccak256("in"), keccak256(env), 1_000, MIN_FEE);
        check(job3, env, "anything", "");
        assertEq(statusOf(job3), uint8(JobManager.JobStatus.Finalized));
    }

    // ================================================================ hostile adapters

    /// Whatever an adapter answers other than exactly one 32-byte word holding 1 is a refusal.
    function test_hostileAdapter_answers_onlyExactTrueAccepted() public {
        governance(address(apps), abi.encodeCall(AppRegistry.setModeEnabled, (MODE_SIGNED, true)));
        uint256 app = modeApp(MODE_SIGNED, address(book));
        bytes memory env = envelope("x");
        bytes[7] memory answers = [
            abi.encode(uint256(0)),
            abi.encode(uint256(2)),
            bytes(hex""),
            abi.encodePacked(bytes31(0)),
            abi.encodePacked(uint248(1)),
            abi.encode(uint256(1), uint256(1)),
            bytes.concat(abi.encode(uint256(1)), hex"00")
        ];
        for (uint256 i; i < answers.length; ++i) {
            setAdapterNow(address(new RawVerifier(answers[i], false)));
            uint256 jobId = job(app, env);
            refused(jobId, env, "out", "", resultRefused(jobId));
            decline(jobId);
        }
        setAdapterNow(acceptAll); // the control
        uint256 ok = job(app, env);
        check(ok, env, "out", "");
        assertEq(statusOf(ok), uint8(JobManager.JobStatus.Finalized));
    }

    /// An adapter's revert reason reaches the caller unchanged when it is 4 to 1 024 bytes (a custom error,
    /// Error(string)); an empty, shorter or longer one is ResultRefused — even one that looks like acceptance.
    function test_hostileAdapter_revertData_bubbledOrRefused() public {
        governance(address(apps), abi.encodeCall(AppRegistry.setModeEnabled, (MODE_SIGNED, true)));
        uint256 app = modeApp(MODE_SIGNED, address(book));
        bytes memory env = envelope("x");
        bytes memory atLimit = new bytes(1024);
        atLimit[0] = 0x12;
        bytes[4] memory bubbled = [
            abi.encodeWithSignature("Error(string)", "no"),
            abi.encodeWithSelector(bytes4(0xdeadbeef), uint256(7)),
            bytes(hex"deadbeef"),
            atLimit
        ];
        for (uint256 i; i < bubbled.length; ++i) {
            setAdapterNow(address(new RawVerifier(bubbled[i], true)));
            uint256 jobId = job(app, env);
            refused(jobId, env, "out", "", bubbled[i]);
            decline(jobId);
        }
        bytes[3] memory swallowed = [bytes(hex""), bytes(hex"deadbe"), new bytes(1025)];
        for (uint256 i; i < swallowed.length; ++i) {
            setAdapterNow(address(new RawVerifier(swallowed[i], true)));
            uint256 jobId = job(app, env);
            refused(jobId, env, "out", "", resultRefused(jobId));
            decline(jobId);
        }
        // a revert carrying abi.encode(1) is still a revert: re-thrown as it is, never an acceptance
        setAdapterNow(address(new RawVerifier(abi.encode(uint256(1)), true)));
        uint256 last = job(app, env);
        refused(last, env, "out", "", abi.encode(uint256(1)));
    }

    /// An adapter that burns all its gas gets MODE_CHECK_GAS, not the transaction's: ResultRefused, with gas left
    /// to say so.
    function test_hostileAdapter_gasBurner_capped() public {
        addMode(MODE_SIGNED, address(new GasBurner()));
        uint256 app = modeApp(MODE_SIGNED, address(book));
        bytes memory env = envelope("x");
        uint256 jobId = job(app, env);
        vm.prank(op);
        uint256 g = gasleft();
        vm.expectRevert(resultRefused(jobId));
        jobs.submitCheckedResult{gas: 20_000_000}(jobId, env, "out", "", OUT_KEY);
        g -= gasleft();
        logUint("gas of a refused call to a gas-burning adapter", g);
        assertGt(g, jobs.MODE_CHECK_GAS(), "the adapter burned its cap");
        assertLt(g, jobs.MODE_CHECK_GAS() + 200_000, "and no more");
        vm.prank(op);
        vm.expectRevert(resultRefused(jobId));
        jobs.submitCheckedResult{gas: 2_200_000}(jobId, env, "out", "", OUT_KEY);
        assertEq(statusOf(jobId), uint8(JobManager.JobStatus.Assigned));
    }

    /// The adapter is called with staticcall: one that writes state cannot accept, and one that calls back into
    /// JobManager changes nothing (the reentry fails, so it does not accept either).
    function test_hostileAdapter_statefulOrReentering_refused() public {
        governance(address(apps), abi.encodeCall(AppRegistry.setModeEnabled, (MODE_SIGNED, true)));
        uint256 app = modeApp(MODE_SIGNED, address(book));
        bytes memory env = envelope("x");

        StatefulVerifier stateful = new StatefulVerifier();
        setAdapterNow(address(stateful));
        uint256 jobS = job(app, env);
        refused(jobS, env, "out", "", resultRefused(jobS));
        assertEq(stateful.calls(), 0);
        decline(jobS);

        Reenterer re = new Reenterer(address(jobs));
        setAdapterNow(address(re));
        uint256 jobR = job(app, env);
        uint256 other = submitWithDigest(user, app, keccak256(env));
        mine(2);
        bytes[3] memory payloads = [
            abi.encodeCall(JobManager.submitCheckedResult, (jobR, env, bytes("out"), bytes(""), OUT_KEY)),
            abi.encodeCall(JobManager.assign, (other)),
            abi.encodeCall(JobManager.declineJob, (jobR))
        ];
        for (uint256 i; i < payloads.length; ++i) {
            re.setPayload(payloads[i]);
            refused(jobR, env, "out", "", resultRefused(jobR));
        }
        assertEq(statusOf(other), uint8(JobManager.JobStatus.Queued), "the reentrant assign did nothing");
    }

    // ================================================================ registry rules

    /// A mode enabled for apps but with no adapter registered takes no job: nothing could check its results.
    /// With the adapter registered, an app without its config takes none either.
    function test_submitJob_enabledModeWithoutAdapter_refused() public {
        uint8 mode5 = 5;
        governance(address(apps), abi.encodeCall(AppRegistry.setModeEnabled, (mode5, true)));
        uint256 app = modeApp(mode5, address(book));
        fund(user, 2 * (MIN_FEE + SUBMITTER_DEPOSIT));
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.ModeNotRegistered.selector, mode5));
        jobs.submitJob(app, keccak256("in"), keccak256("digest"), 1_000, MIN_FEE);

        governance(address(jobs), abi.encodeCall(JobManager.setModeAdapter, (mode5, acceptAll)));
        uint256 bare = createApp(dev, mode5);
        vm.prank(user);
        vm.expectRevert(abi.encodeWithSelector(JobManager.NoAppConfig.selector, bare));
        jobs.submitJob(bare, keccak256("in"), keccak256("digest"), 1_000, MIN_FEE);
        vm.prank(user);
        assertGt(jobs.submitJob(app, keccak256("in"), keccak256("digest"), 1_000, MIN_FEE), 0, "taken once registered");
    }

    /// Apps of a mode exist only while governance enables it; disabling stops new apps, not existing ones.
    /// Modes 0..2 are not the registry's: 2 stays refused until it exists (issue #15).
    function test_createApp_disabledModeRefused() public {
        vm.prank(address(timelock));
        apps.setAllowlisted(dev, true);
        assertFalse(apps.modeEnabled(MODE_SIGNED));
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.ModeNotAvailable.selector, MODE_SIGNED));
        apps.createApp(MODE_SIGNED, keccak256("p"), "");

        addMode(MODE_SIGNED, acceptAll);
        uint256 app = modeApp(MODE_SIGNED, address(book));
        governance(address(apps), abi.encodeCall(AppRegistry.setModeEnabled, (MODE_SIGNED, false)));
        assertFalse(apps.modeEnabled(MODE_SIGNED));
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.ModeNotAvailable.selector, MODE_SIGNED));
        apps.createApp(MODE_SIGNED, keccak256("p"), "");
        // the existing app still runs
        bytes memory env = envelope("x");
        uint256 jobId = job(app, env);
        check(jobId, env, "out", "");
        assertEq(statusOf(jobId), uint8(JobManager.JobStatus.Finalized));

        // disabling ZK works the same way (the deployment enabled it)
        governance(address(apps), abi.encodeCall(AppRegistry.setModeEnabled, (MODE_ZK, false)));
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.ModeNotAvailable.selector, MODE_ZK));
        apps.createApp(MODE_ZK, keccak256("p"), "");

        vm.startPrank(address(timelock));
        for (uint8 m; m < MODE_OBJECTIVE; ++m) {
            vm.expectRevert(abi.encodeWithSelector(AppRegistry.InvalidMode.selector, m));
            apps.setModeEnabled(m, true);
        }
        vm.stopPrank();
        // REEXEC_OBJECTIVE (2) is enabled like an adapter mode (ObjectiveCourtTest); the deployment has not
        vm.prank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.ModeNotAvailable.selector, MODE_OBJECTIVE));
        apps.createApp(MODE_OBJECTIVE, keccak256("p"), "");
    }

    function test_setModeAdapter_setModeEnabled_ownerOnly() public {
        address[2] memory outsiders = [stranger, admin]; // the deployer gave ownership to the timelock
        for (uint256 i; i < outsiders.length; ++i) {
            vm.startPrank(outsiders[i]);
            vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, outsiders[i]));
            jobs.setModeAdapter(MODE_SIGNED, acceptAll);
            vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, outsiders[i]));
            jobs.setModeAdapter(MODE_ZK, acceptAll);
            vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, outsiders[i]));
            apps.setModeEnabled(MODE_SIGNED, true);
            vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, outsiders[i]));
            apps.setModeEnabled(MODE_ZK, false);
            vm.stopPrank();
        }
        assertEq(jobs.modeAdapterOf(MODE_SIGNED), address(0));
        assertEq(jobs.modeAdapterOf(MODE_ZK), address(groth16));
        assertFalse(apps.modeEnabled(MODE_SIGNED));
        assertTrue(apps.modeEnabled(MODE_ZK));

        vm.startPrank(address(timelock));
        for (uint8 m; m < MODE_OBJECTIVE; ++m) {
            vm.expectRevert(abi.encodeWithSelector(JobManager.InvalidMode.selector, m));
            jobs.setModeAdapter(m, acceptAll);
            assertEq(jobs.modeAdapterOf(m), address(0));
        }
        vm.expectRevert(abi.encodeWithSelector(JobManager.NotAContract.selector, stranger));
        jobs.setModeAdapter(MODE_SIGNED, stranger);
        jobs.setModeAdapter(type(uint8).max, acceptAll);
        assertEq(jobs.modeAdapterOf(type(uint8).max), acceptAll);
        vm.expectEmit(true, false, false, true, address(jobs));
        emit JobManager.ModeAdapterSet(type(uint8).max, address(0));
        jobs.setModeAdapter(type(uint8).max, address(0));
        assertEq(jobs.modeAdapterOf(type(uint8).max), address(0));
        vm.stopPrank();
    }

    /// setAppConfig for a third party's mode: the app owner's, a contract only, and per app.
    function test_setAppConfig_thirdPartyMode() public {
        addMode(MODE_SIGNED, acceptAll);
        uint256 app = createApp(dev, MODE_SIGNED);
        uint256 reexec = createApp(dev, MODE_INTERSUBJECTIVE);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAppOwner.selector, app, stranger));
        apps.setAppConfig(app, address(book));
        vm.startPrank(dev);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAContract.selector, stranger));
        apps.setAppConfig(app, stranger);
        vm.expectRevert(abi.encodeWithSelector(AppRegistry.NotAdapterMode.selector, reexec));
        apps.setAppConfig(reexec, address(book));
        vm.expectEmit(true, false, false, true, address(apps));
        emit AppRegistry.AppConfigSet(app, address(book));
        apps.setAppConfig(app, address(book));
        vm.stopPrank();
        assertEq(apps.appConfigOf(app), address(book));
        assertEq(apps.appConfigOf(reexec), address(0));
        (uint8 mode,,,, address config) = apps.releaseOf(app);
        assertEq(uint256(mode), MODE_SIGNED);
        assertEq(config, address(book));
    }
}
