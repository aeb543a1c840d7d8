// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {TreasuryVault} from "../src/TreasuryVault.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Unit and fuzz tests of TreasuryVault: roles, the admin's two-step hand-over, payouts,
///         forbidden destinations, caps, who lifts a pause, sweep.
contract TreasuryVaultTest is TestBase {
    uint256 internal constant USDC = 1e6;
    uint256 internal constant MAX_PER_PAYOUT = 10_000 * USDC;
    uint256 internal constant MAX_PER_24H = 25_000 * USDC;
    uint256 internal constant FUNDING = 1_000_000 * USDC;
    uint256 internal constant START = 1_700_000_000;
    uint48 internal constant ADMIN_DELAY = 2 days;

    TestUSDC internal usdc;
    TreasuryVault internal vault;
    address internal admin;
    address internal pauser;
    address internal signer;
    address internal cold;
    address internal alice;
    address internal bob;

    bytes32 internal payoutRole;
    bytes32 internal pauserRole;
    bytes32 internal constant ADMIN_ROLE = 0x00;

    function setUp() public {
        vm.warp(START);
        admin = makeAddr("admin");
        pauser = makeAddr("pauser");
        signer = makeAddr("signer");
        cold = makeAddr("cold");
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        usdc = new TestUSDC(admin);
        vault = new TreasuryVault(
            IERC20(address(usdc)),
            admin,
            ADMIN_DELAY,
            pauser,
            signer,
            cold,
            MAX_PER_PAYOUT,
            MAX_PER_24H
        );
        vm.startPrank(admin);
        usdc.configureMinter(admin, FUNDING);
        usdc.mint(address(vault), FUNDING);
        vm.stopPrank();
        payoutRole = vault.PAYOUT_ROLE();
        pauserRole = vault.PAUSER_ROLE();
    }

    function _oid(uint256 i) internal pure returns (bytes32) {
        return keccak256(abi.encode("order", i));
    }

    function _unauthorized(address who, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, who, role
        );
    }

    function _notAllowed(address to) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(TreasuryVault.DestinationNotAllowed.selector, to);
    }

    function _pay(bytes32 oid, address to, uint256 amount) internal {
        vm.prank(signer);
        vault.payout(oid, to, amount);
    }

    // --- constructor and roles ---------------------------------------------------------------

    function test_constructorRolesAreDistinct() public view {
        vm.assertTrue(vault.hasRole(ADMIN_ROLE, admin), "admin");
        vm.assertTrue(vault.hasRole(pauserRole, pauser), "pauser");
        vm.assertTrue(vault.hasRole(payoutRole, signer), "signer");
        vm.assertFalse(vault.hasRole(pauserRole, admin), "admin is not the pauser");
        vm.assertFalse(vault.hasRole(payoutRole, admin), "admin cannot pay");
        vm.assertFalse(vault.hasRole(ADMIN_ROLE, pauser), "pauser is not admin");
        vm.assertFalse(vault.hasRole(payoutRole, pauser), "pauser cannot pay");
        vm.assertFalse(vault.hasRole(ADMIN_ROLE, signer), "signer is not admin");
        vm.assertEq(vault.coldWallet(), cold, "cold wallet");
        vm.assertEq(address(vault.token()), address(usdc), "token");
        vm.assertEq(vault.maxPerPayout(), MAX_PER_PAYOUT, "maxPerPayout");
        vm.assertEq(vault.maxPer24h(), MAX_PER_24H, "maxPer24h");
        vm.assertEq(vault.remainingIn24h(), MAX_PER_24H, "remaining");
    }

    function test_constructorRejectsZeroAddresses() public {
        IERC20 t = IERC20(address(usdc));
        bytes4 zero = TreasuryVault.ZeroAddress.selector;
        vm.expectRevert(zero);
        new TreasuryVault(IERC20(address(0)), admin, 0, pauser, signer, cold, 1, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlInvalidDefaultAdmin.selector,
                address(0)
            )
        );
        new TreasuryVault(t, address(0), 0, pauser, signer, cold, 1, 1);
        vm.expectRevert(zero);
        new TreasuryVault(t, admin, 0, address(0), signer, cold, 1, 1);
        vm.expectRevert(zero);
        new TreasuryVault(t, admin, 0, pauser, address(0), cold, 1, 1);
        vm.expectRevert(_notAllowed(address(0)));
        new TreasuryVault(t, admin, 0, pauser, signer, address(0), 1, 1);
    }

    function test_constructorRejectsTheTokenAsColdWalletAndBadLimits() public {
        IERC20 t = IERC20(address(usdc));
        vm.expectRevert(_notAllowed(address(usdc)));
        new TreasuryVault(t, admin, 0, pauser, signer, address(usdc), 1, 1);
        vm.expectRevert(abi.encodeWithSelector(TreasuryVault.InvalidLimits.selector, 0, 1));
        new TreasuryVault(t, admin, 0, pauser, signer, cold, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(TreasuryVault.InvalidLimits.selector, 2, 1));
        new TreasuryVault(t, admin, 0, pauser, signer, cold, 2, 1);
        vm.expectRevert(abi.encodeWithSelector(TreasuryVault.InvalidLimits.selector, 1, 0));
        new TreasuryVault(t, admin, 0, pauser, signer, cold, 1, 0);
    }

    // --- the admin: one account, handed over in two steps after a delay -----------------------

    function test_adminCannotRenounceOrGrantItsRoleInOneCall() public {
        address other = makeAddr("other");
        vm.prank(admin);
        vm.expectRevert(
            IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector
        );
        vault.grantRole(ADMIN_ROLE, other);
        vm.prank(admin);
        vm.expectRevert(
            IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector
        );
        vault.revokeRole(ADMIN_ROLE, admin);
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector, 0
            )
        );
        vault.renounceRole(ADMIN_ROLE, admin);
        vm.assertEq(vault.defaultAdmin(), admin, "still the admin");
        vm.assertTrue(vault.hasRole(ADMIN_ROLE, admin), "role kept");
        vm.assertEq(vault.defaultAdminDelay(), ADMIN_DELAY, "delay");
    }

    function test_adminHandOverWaitsForTheDelayAndTheNewAdminsAccept() public {
        address safe = makeAddr("safe");
        vm.prank(signer);
        vm.expectRevert(_unauthorized(signer, ADMIN_ROLE));
        vault.beginDefaultAdminTransfer(signer);

        vm.prank(admin);
        vault.beginDefaultAdminTransfer(safe);
        uint48 schedule = uint48(START + ADMIN_DELAY);
        (address pending, uint48 at) = vault.pendingDefaultAdmin();
        vm.assertEq(pending, safe, "pending");
        vm.assertEq(uint256(at), uint256(schedule), "schedule");

        vm.prank(safe);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector,
                schedule
            )
        );
        vault.acceptDefaultAdminTransfer();
        vm.warp(uint256(schedule) + 1);
        vm.prank(signer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlInvalidDefaultAdmin.selector, signer
            )
        );
        vault.acceptDefaultAdminTransfer();
        vm.prank(safe);
        vault.acceptDefaultAdminTransfer();
        vm.assertEq(vault.defaultAdmin(), safe, "the Safe is the admin");
        vm.assertFalse(vault.hasRole(ADMIN_ROLE, admin), "the old admin is not");
        vm.prank(admin);
        vm.expectRevert(_unauthorized(admin, ADMIN_ROLE));
        vault.setLimits(1, 1);
    }

    function test_aPendingHandOverCanBeCancelled() public {
        address thief = makeAddr("thief");
        vm.prank(admin);
        vault.beginDefaultAdminTransfer(thief);
        vm.prank(admin);
        vault.cancelDefaultAdminTransfer();
        vm.warp(START + ADMIN_DELAY + 1);
        vm.prank(thief);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlInvalidDefaultAdmin.selector, thief
            )
        );
        vault.acceptDefaultAdminTransfer();
        vm.assertEq(vault.defaultAdmin(), admin, "unchanged");
    }

    function test_zeroDelayHandsOverInTheNextSecond() public {
        TreasuryVault v = new TreasuryVault(
            IERC20(address(usdc)), admin, 0, pauser, signer, cold, 1, 1
        );
        address safe = makeAddr("safe");
        vm.prank(admin);
        v.beginDefaultAdminTransfer(safe);
        vm.warp(START + 1);
        vm.prank(safe);
        v.acceptDefaultAdminTransfer();
        vm.assertEq(v.defaultAdmin(), safe, "handed over");
    }

    function test_adminRotatesThePayoutRole() public {
        address newSigner = makeAddr("newSigner");
        vm.prank(signer);
        vm.expectRevert(_unauthorized(signer, ADMIN_ROLE));
        vault.grantRole(payoutRole, newSigner);
        vm.prank(pauser);
        vm.expectRevert(_unauthorized(pauser, ADMIN_ROLE));
        vault.grantRole(payoutRole, newSigner);

        vm.startPrank(admin);
        vault.grantRole(payoutRole, newSigner);
        vault.revokeRole(payoutRole, signer);
        vm.stopPrank();

        vm.prank(signer);
        vm.expectRevert(_unauthorized(signer, payoutRole));
        vault.payout(_oid(1), alice, USDC);
        vm.prank(newSigner);
        vault.payout(_oid(1), alice, USDC);
        vm.assertEq(usdc.balanceOf(alice), USDC, "paid by the new key");
    }

    function test_adminRotatesThePauser() public {
        address guardian = makeAddr("guardian");
        vm.startPrank(admin);
        vault.grantRole(pauserRole, guardian);
        vault.revokeRole(pauserRole, pauser);
        vm.stopPrank();
        vm.prank(pauser);
        vm.expectRevert(_unauthorized(pauser, pauserRole));
        vault.pause();
        vm.prank(guardian);
        vault.pause();
        vm.assertTrue(vault.paused(), "paused by the new guardian");
    }

    // --- payouts -------------------------------------------------------------------------------

    function test_payoutTransfersAndEmits() public {
        vm.expectEmit(address(vault));
        emit TreasuryVault.Payout(_oid(1), alice, 1234 * USDC);
        _pay(_oid(1), alice, 1234 * USDC);
        vm.assertEq(usdc.balanceOf(alice), 1234 * USDC, "alice");
        vm.assertEq(usdc.balanceOf(address(vault)), FUNDING - 1234 * USDC, "vault");
        vm.assertTrue(vault.isPaid(_oid(1)), "isPaid");
        vm.assertEq(vault.paidInLast24h(), 1234 * USDC, "window");
    }

    function test_orderIdIsPaidOnce() public {
        _pay(_oid(1), alice, 5 * USDC);
        vm.prank(signer);
        vm.expectRevert(abi.encodeWithSelector(TreasuryVault.PayoutAlreadyMade.selector, _oid(1)));
        vault.payout(_oid(1), bob, 7 * USDC);
        vm.assertEq(usdc.balanceOf(bob), 0, "bob unpaid");
    }

    function test_onlyThePayoutRolePays() public {
        address[4] memory others = [admin, pauser, cold, alice];
        for (uint256 i = 0; i < others.length; ++i) {
            vm.prank(others[i]);
            vm.expectRevert(_unauthorized(others[i], payoutRole));
            vault.payout(_oid(1), others[i], USDC);
        }
        vm.assertFalse(vault.isPaid(_oid(1)), "unpaid");
    }

    function test_zeroRecipientAndAmount() public {
        vm.prank(signer);
        vm.expectRevert(_notAllowed(address(0)));
        vault.payout(_oid(1), address(0), USDC);
        vm.prank(signer);
        vm.expectRevert(TreasuryVault.ZeroAmount.selector);
        vault.payout(_oid(1), alice, 0);
    }

    function test_neverPaysTheVaultOrTheToken() public {
        address[3] memory forbidden = [address(vault), address(usdc), address(0)];
        for (uint256 i = 0; i < forbidden.length; ++i) {
            vm.prank(signer);
            vm.expectRevert(_notAllowed(forbidden[i]));
            vault.payout(_oid(1), forbidden[i], USDC);
        }
        vm.assertFalse(vault.isPaid(_oid(1)), "unpaid");
        vm.assertEq(vault.paidInLast24h(), 0, "nothing counted");
        vm.assertEq(usdc.balanceOf(address(vault)), FUNDING, "vault");

        // In a batch, one such destination fails all of it.
        bytes32[] memory ids = new bytes32[](2);
        address[] memory tos = new address[](2);
        uint256[] memory amounts = new uint256[](2);
        (ids[0], ids[1]) = (_oid(1), _oid(2));
        (tos[0], tos[1]) = (alice, address(vault));
        (amounts[0], amounts[1]) = (USDC, USDC);
        vm.prank(signer);
        vm.expectRevert(_notAllowed(address(vault)));
        vault.payoutBatch(ids, tos, amounts);
        vm.assertEq(usdc.balanceOf(alice), 0, "alice unpaid");
        vm.assertFalse(vault.isPaid(_oid(1)), "first element undone");
    }

    function testFuzz_payoutDestination(address to, uint256 amount) public {
        amount = bound(amount, 1, MAX_PER_PAYOUT);
        if (to == address(0) || to == address(vault) || to == address(usdc)) {
            vm.prank(signer);
            vm.expectRevert(_notAllowed(to));
            vault.payout(_oid(1), to, amount);
            vm.assertFalse(vault.isPaid(_oid(1)), "unpaid");
        } else {
            uint256 before = usdc.balanceOf(to);
            _pay(_oid(1), to, amount);
            vm.assertEq(usdc.balanceOf(to), before + amount, "paid");
        }
        vm.assertEq(usdc.balanceOf(address(usdc)), 0, "never to the token");
    }

    function test_batchIsAllOrNothing() public {
        bytes32[] memory ids = new bytes32[](3);
        address[] memory tos = new address[](3);
        uint256[] memory amounts = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (_oid(1), _oid(2), _oid(1));
        (tos[0], tos[1], tos[2]) = (alice, bob, alice);
        (amounts[0], amounts[1], amounts[2]) = (USDC, USDC, USDC);
        vm.prank(signer);
        vm.expectRevert(abi.encodeWithSelector(TreasuryVault.PayoutAlreadyMade.selector, _oid(1)));
        vault.payoutBatch(ids, tos, amounts);
        vm.assertFalse(vault.isPaid(_oid(1)), "first element undone");

        ids[2] = _oid(3);
        vm.prank(signer);
        vault.payoutBatch(ids, tos, amounts);
        vm.assertEq(usdc.balanceOf(alice), 2 * USDC, "alice");
        vm.assertEq(usdc.balanceOf(bob), USDC, "bob");

        vm.prank(signer);
        vm.expectRevert(TreasuryVault.LengthMismatch.selector);
        vault.payoutBatch(ids, new address[](2), amounts);
    }

    // --- caps ----------------------------------------------------------------------------------

    function testFuzz_payoutWithinCap(uint256 amount) public {
        amount = bound(amount, 1, MAX_PER_PAYOUT);
        _pay(_oid(1), alice, amount);
        vm.assertEq(usdc.balanceOf(alice), amount, "paid");
        vm.assertEq(vault.remainingIn24h(), MAX_PER_24H - amount, "remaining");
    }

    function testFuzz_payoutOverCapReverts(uint256 amount) public {
        amount = bound(amount, MAX_PER_PAYOUT + 1, type(uint256).max);
        vm.prank(signer);
        vm.expectRevert(
            abi.encodeWithSelector(TreasuryVault.PayoutTooLarge.selector, amount, MAX_PER_PAYOUT)
        );
        vault.payout(_oid(1), alice, amount);
    }

    /// @dev Two payouts `gap` seconds apart: the second fits iff the first no longer counts or
    ///      both fit together; the first always counts for 24 h and never for 25 h.
    function testFuzz_rollingWindow(uint256 first, uint256 second, uint256 start, uint256 gap)
        public
    {
        first = bound(first, 1, MAX_PER_PAYOUT);
        second = bound(second, 1, MAX_PER_PAYOUT);
        start = bound(start, START, START + 365 days);
        gap = bound(gap, 0, 3 days);
        vm.prank(admin);
        vault.setLimits(MAX_PER_PAYOUT, MAX_PER_PAYOUT + MAX_PER_PAYOUT / 2);
        uint256 cap = vault.maxPer24h();

        vm.warp(start);
        _pay(_oid(1), alice, first);
        vm.warp(start + gap);
        bool counts = (start + gap) / 1 hours < start / 1 hours + 25;
        if (gap < 24 hours) vm.assertTrue(counts, "counts for at least 24 h");
        if (gap >= 25 hours) vm.assertFalse(counts, "counts for less than 25 h");
        uint256 available = counts ? cap - first : cap;
        vm.assertEq(vault.remainingIn24h(), available, "remaining");

        vm.prank(signer);
        if (second > available) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    TreasuryVault.DailyLimitExceeded.selector, second, available
                )
            );
        }
        vault.payout(_oid(2), bob, second);
    }

    function testFuzz_batchHonoursTheDailyCap(uint256 seed, uint8 size) public {
        uint256 n = bound(size, 1, 12);
        bytes32[] memory ids = new bytes32[](n);
        address[] memory tos = new address[](n);
        uint256[] memory amounts = new uint256[](n);
        uint256 total;
        bool over;
        for (uint256 i = 0; i < n; ++i) {
            ids[i] = _oid(i);
            tos[i] = alice;
            amounts[i] = bound(uint256(keccak256(abi.encode(seed, i))), 1, MAX_PER_PAYOUT);
            total += amounts[i];
            if (total > MAX_PER_24H) over = true;
        }
        vm.prank(signer);
        if (over) {
            // Which element fails, and with what numbers, is the unit tests' business.
            (bool ok,) = address(vault).call(
                abi.encodeCall(TreasuryVault.payoutBatch, (ids, tos, amounts))
            );
            vm.assertFalse(ok, "over the cap");
            vm.assertEq(usdc.balanceOf(alice), 0, "nothing paid");
        } else {
            vault.payoutBatch(ids, tos, amounts);
            vm.assertEq(usdc.balanceOf(alice), total, "all paid");
        }
        vm.assertLe(vault.paidInLast24h(), MAX_PER_24H, "cap");
    }

    function test_setLimitsAdminOnly() public {
        vm.prank(signer);
        vm.expectRevert(_unauthorized(signer, ADMIN_ROLE));
        vault.setLimits(1, 2);
        vm.expectEmit(address(vault));
        emit TreasuryVault.LimitsChanged(50 * USDC, 80 * USDC);
        vm.prank(admin);
        vault.setLimits(50 * USDC, 80 * USDC);
        vm.assertEq(vault.maxPerPayout(), 50 * USDC, "maxPerPayout");
    }

    function test_setLimitsRefusesZeroAndADailyCapBelowThePerPayoutCap() public {
        uint256[2][4] memory bad =
            [[uint256(0), 80 * USDC], [50 * USDC, 0], [50 * USDC, 49 * USDC], [uint256(0), 0]];
        for (uint256 i = 0; i < bad.length; ++i) {
            vm.prank(admin);
            vm.expectRevert(
                abi.encodeWithSelector(TreasuryVault.InvalidLimits.selector, bad[i][0], bad[i][1])
            );
            vault.setLimits(bad[i][0], bad[i][1]);
        }
        vm.assertEq(vault.maxPerPayout(), MAX_PER_PAYOUT, "unchanged");
        vm.assertEq(vault.maxPer24h(), MAX_PER_24H, "unchanged");
        vm.prank(admin);
        vault.setLimits(50 * USDC, 50 * USDC); // equal is fine
        vm.assertEq(vault.maxPer24h(), 50 * USDC, "set");
    }

    function testFuzz_setLimits(uint256 perPayout, uint256 per24h) public {
        vm.prank(admin);
        if (perPayout == 0 || per24h < perPayout) {
            vm.expectRevert(
                abi.encodeWithSelector(TreasuryVault.InvalidLimits.selector, perPayout, per24h)
            );
            vault.setLimits(perPayout, per24h);
        } else {
            vault.setLimits(perPayout, per24h);
            vm.assertEq(vault.maxPerPayout(), perPayout, "per payout");
            vm.assertEq(vault.maxPer24h(), per24h, "per 24 h");
        }
        vm.assertTrue(vault.maxPerPayout() > 0, "never zero");
        vm.assertLe(vault.maxPerPayout(), vault.maxPer24h(), "daily cap at least a payout");
    }

    // --- pause ---------------------------------------------------------------------------------

    function test_guardianPausesAndLiftsItsOwnPause() public {
        vm.prank(signer);
        vm.expectRevert(_unauthorized(signer, pauserRole));
        vault.pause();
        vm.prank(alice);
        vm.expectRevert(_unauthorized(alice, pauserRole));
        vault.pause();

        vm.expectEmit(address(vault));
        emit Pausable.Paused(pauser);
        vm.prank(pauser);
        vault.pause();
        vm.assertEq(vault.pausedBy(), pauser, "pausedBy");
        vm.assertFalse(vault.pausedByAdmin(), "the guardian's pause");
        vm.prank(signer);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.payout(_oid(1), alice, USDC);
        vm.prank(pauser);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.pause();

        vm.prank(signer);
        vm.expectRevert(_unauthorized(signer, pauserRole));
        vault.unpause();
        vm.expectEmit(address(vault));
        emit Pausable.Unpaused(pauser);
        vm.prank(pauser);
        vault.unpause();
        vm.assertEq(vault.pausedBy(), address(0), "cleared");
        _pay(_oid(1), alice, USDC);
        vm.assertEq(usdc.balanceOf(alice), USDC, "paid after unpause");
    }

    function test_anAdminPauseIsTheAdminsToLift() public {
        vm.expectEmit(address(vault));
        emit Pausable.Paused(admin);
        vm.prank(admin);
        vault.pause();
        vm.assertEq(vault.pausedBy(), admin, "pausedBy");
        vm.assertTrue(vault.pausedByAdmin(), "the admin's pause");

        vm.prank(pauser);
        vm.expectRevert(abi.encodeWithSelector(TreasuryVault.PausedByAdmin.selector, admin));
        vault.unpause();
        vm.assertTrue(vault.paused(), "still paused");
        vm.prank(pauser);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.pause();

        vm.prank(admin);
        vault.unpause();
        vm.assertFalse(vault.paused(), "lifted by the admin");
        vm.assertFalse(vault.pausedByAdmin(), "cleared");
    }

    function test_adminTakesOverAGuardiansPauseAndLiftsAnyPause() public {
        vm.prank(pauser);
        vault.pause();
        vm.expectEmit(address(vault));
        emit TreasuryVault.PauseHeldByAdmin(admin, pauser);
        vm.prank(admin);
        vault.pause();
        vm.assertEq(vault.pausedBy(), admin, "now the admin's");
        vm.assertTrue(vault.pausedByAdmin(), "held by the admin");
        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.pause(); // already the admin's
        vm.prank(pauser);
        vm.expectRevert(abi.encodeWithSelector(TreasuryVault.PausedByAdmin.selector, admin));
        vault.unpause();

        vm.prank(admin);
        vault.unpause();
        // And a guardian's pause the admin did not take over, the admin lifts too.
        vm.prank(pauser);
        vault.pause();
        vm.prank(admin);
        vault.unpause();
        vm.assertFalse(vault.paused(), "lifted");
        vm.prank(admin);
        vm.expectRevert(Pausable.ExpectedPause.selector);
        vault.unpause();
    }

    function test_anAdminPauseOutlivesTheAdminHandOver() public {
        address safe = makeAddr("safe");
        vm.prank(admin);
        vault.pause();
        vm.prank(admin);
        vault.beginDefaultAdminTransfer(safe);
        vm.warp(START + ADMIN_DELAY + 1);
        vm.prank(safe);
        vault.acceptDefaultAdminTransfer();
        vm.prank(pauser);
        vm.expectRevert(abi.encodeWithSelector(TreasuryVault.PausedByAdmin.selector, admin));
        vault.unpause();
        vm.prank(admin);
        vm.expectRevert(_unauthorized(admin, pauserRole));
        vault.unpause();
        vm.prank(safe);
        vault.unpause();
        vm.assertFalse(vault.paused(), "the new admin lifts it");
    }

    // --- sweep and the cold wallet -------------------------------------------------------------

    function test_sweepGoesToTheColdWalletEvenWhilePaused() public {
        vm.prank(pauser);
        vault.pause();
        vm.expectEmit(address(vault));
        emit TreasuryVault.Swept(cold, 400_000 * USDC);
        vm.prank(admin);
        vault.sweep(400_000 * USDC);
        vm.assertEq(usdc.balanceOf(cold), 400_000 * USDC, "cold");
        vm.assertEq(usdc.balanceOf(address(vault)), FUNDING - 400_000 * USDC, "vault");
        vm.assertEq(usdc.balanceOf(admin), 0, "not to the admin");
    }

    function test_sweepAdminOnlyAndNonZero() public {
        address[3] memory others = [pauser, signer, cold];
        for (uint256 i = 0; i < others.length; ++i) {
            vm.prank(others[i]);
            vm.expectRevert(_unauthorized(others[i], ADMIN_ROLE));
            vault.sweep(USDC);
        }
        vm.prank(admin);
        vm.expectRevert(TreasuryVault.ZeroAmount.selector);
        vault.sweep(0);
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector, address(vault), FUNDING, FUNDING + 1
            )
        );
        vault.sweep(FUNDING + 1);
    }

    function test_setColdWallet() public {
        address newCold = makeAddr("newCold");
        vm.prank(signer);
        vm.expectRevert(_unauthorized(signer, ADMIN_ROLE));
        vault.setColdWallet(newCold);
        vm.prank(pauser);
        vm.expectRevert(_unauthorized(pauser, ADMIN_ROLE));
        vault.setColdWallet(newCold);
        address[3] memory forbidden = [address(0), address(vault), address(usdc)];
        for (uint256 i = 0; i < forbidden.length; ++i) {
            vm.prank(admin);
            vm.expectRevert(_notAllowed(forbidden[i]));
            vault.setColdWallet(forbidden[i]);
        }
        vm.assertEq(vault.coldWallet(), cold, "unchanged");

        vm.expectEmit(address(vault));
        emit TreasuryVault.ColdWalletChanged(cold, newCold);
        vm.prank(admin);
        vault.setColdWallet(newCold);
        vm.assertEq(vault.coldWallet(), newCold, "changed");
        vm.prank(admin);
        vault.sweep(USDC);
        vm.assertEq(usdc.balanceOf(newCold), USDC, "new cold wallet");
        vm.assertEq(usdc.balanceOf(cold), 0, "old cold wallet");
    }

    function testFuzz_sweepOnlyToCold(address newCold, uint256 amount) public {
        vm.assume(newCold != address(0) && newCold != address(vault) && newCold != address(usdc));
        amount = bound(amount, 1, FUNDING);
        vm.startPrank(admin);
        vault.setColdWallet(newCold);
        uint256 before = usdc.balanceOf(newCold);
        vault.sweep(amount);
        vm.stopPrank();
        vm.assertEq(usdc.balanceOf(newCold), before + amount, "to the cold wallet");
        vm.assertEq(usdc.balanceOf(address(vault)), FUNDING - amount, "from the vault");
    }
}
