// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {TreasuryVault} from "../src/TreasuryVault.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Unit and fuzz tests of TreasuryVault: roles, payouts, caps, pause, sweep.
contract TreasuryVaultTest is TestBase {
    uint256 internal constant USDC = 1e6;
    uint256 internal constant MAX_PER_PAYOUT = 10_000 * USDC;
    uint256 internal constant MAX_PER_24H = 25_000 * USDC;
    uint256 internal constant FUNDING = 1_000_000 * USDC;
    uint256 internal constant START = 1_700_000_000;

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
            IERC20(address(usdc)), admin, pauser, signer, cold, MAX_PER_PAYOUT, MAX_PER_24H
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
        new TreasuryVault(IERC20(address(0)), admin, pauser, signer, cold, 1, 1);
        vm.expectRevert(zero);
        new TreasuryVault(t, address(0), pauser, signer, cold, 1, 1);
        vm.expectRevert(zero);
        new TreasuryVault(t, admin, address(0), signer, cold, 1, 1);
        vm.expectRevert(zero);
        new TreasuryVault(t, admin, pauser, address(0), cold, 1, 1);
        vm.expectRevert(zero);
        new TreasuryVault(t, admin, pauser, signer, address(0), 1, 1);
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
        vm.expectRevert(TreasuryVault.ZeroAddress.selector);
        vault.payout(_oid(1), address(0), USDC);
        vm.prank(signer);
        vm.expectRevert(TreasuryVault.ZeroAmount.selector);
        vault.payout(_oid(1), alice, 0);
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

    // --- pause ---------------------------------------------------------------------------------

    function test_pauserPausesAdminDoesNot() public {
        vm.prank(admin);
        vm.expectRevert(_unauthorized(admin, pauserRole));
        vault.pause();
        vm.prank(signer);
        vm.expectRevert(_unauthorized(signer, pauserRole));
        vault.pause();

        vm.prank(pauser);
        vault.pause();
        vm.prank(signer);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vault.payout(_oid(1), alice, USDC);

        vm.prank(pauser);
        vault.unpause();
        _pay(_oid(1), alice, USDC);
        vm.assertEq(usdc.balanceOf(alice), USDC, "paid after unpause");
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
        vm.prank(admin);
        vm.expectRevert(TreasuryVault.ZeroAddress.selector);
        vault.setColdWallet(address(0));

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
        vm.assume(newCold != address(0) && newCold != address(vault));
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
