// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Unit and fuzz tests of TestUSDC: minters and their allowances, burn, blacklist, pause.
contract TestUSDCTest is TestBase {
    uint256 internal constant USDC = 1e6;

    TestUSDC internal usdc;
    address internal admin;
    address internal masterMinter;
    address internal minter;
    address internal alice;
    address internal mallory;
    bytes32 internal masterMinterRole;

    function setUp() public {
        admin = makeAddr("admin");
        masterMinter = makeAddr("masterMinter");
        minter = makeAddr("minter");
        alice = makeAddr("alice");
        mallory = makeAddr("mallory");
        usdc = new TestUSDC(admin);
        masterMinterRole = usdc.MASTER_MINTER_ROLE();
        vm.prank(admin);
        usdc.grantRole(masterMinterRole, masterMinter);
    }

    function _unauthorized(address who, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector, who, role
        );
    }

    function test_metadataAndNoMinterAtFirst() public view {
        vm.assertEq(usdc.decimals(), 6, "decimals");
        vm.assertFalse(usdc.isMinter(admin), "the admin is not a minter by default");
        vm.assertEq(usdc.minterAllowance(admin), 0, "no allowance");
    }

    function test_constructorRejectsZeroAdmin() public {
        vm.expectRevert(TestUSDC.ZeroAddress.selector);
        new TestUSDC(address(0));
    }

    function test_masterMinterOrAdminConfigures() public {
        vm.prank(alice);
        vm.expectRevert(_unauthorized(alice, masterMinterRole));
        usdc.configureMinter(alice, USDC);
        vm.prank(minter);
        vm.expectRevert(_unauthorized(minter, masterMinterRole));
        usdc.removeMinter(minter);

        vm.expectEmit(address(usdc));
        emit TestUSDC.MinterConfigured(minter, 100 * USDC);
        vm.prank(masterMinter);
        usdc.configureMinter(minter, 100 * USDC);
        vm.assertTrue(usdc.isMinter(minter), "minter");
        vm.assertEq(usdc.minterAllowance(minter), 100 * USDC, "allowance");

        // The admin too, even after giving up MASTER_MINTER_ROLE.
        vm.startPrank(admin);
        usdc.renounceRole(masterMinterRole, admin);
        usdc.configureMinter(minter, 5 * USDC);
        vm.stopPrank();
        vm.assertEq(usdc.minterAllowance(minter), 5 * USDC, "replaced, not added");

        vm.prank(masterMinter);
        vm.expectRevert(TestUSDC.ZeroAddress.selector);
        usdc.configureMinter(address(0), USDC);
    }

    function test_mintUsesAllowance() public {
        vm.prank(masterMinter);
        usdc.configureMinter(minter, 100 * USDC);
        vm.expectEmit(address(usdc));
        emit TestUSDC.Mint(minter, alice, 60 * USDC);
        vm.prank(minter);
        usdc.mint(alice, 60 * USDC);
        vm.assertEq(usdc.balanceOf(alice), 60 * USDC, "minted");
        vm.assertEq(usdc.minterAllowance(minter), 40 * USDC, "allowance used");

        vm.prank(minter);
        vm.expectRevert(
            abi.encodeWithSelector(TestUSDC.MinterAllowanceExceeded.selector, 41 * USDC, 40 * USDC)
        );
        usdc.mint(alice, 41 * USDC);
        vm.prank(minter);
        usdc.mint(alice, 40 * USDC);
        vm.assertEq(usdc.minterAllowance(minter), 0, "all used");
        vm.assertEq(usdc.totalSupply(), 100 * USDC, "supply");

        vm.prank(minter);
        vm.expectRevert(TestUSDC.ZeroAmount.selector);
        usdc.mint(alice, 0);
    }

    function test_nonMinterCannotMintOrBurn() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(TestUSDC.NotMinter.selector, admin));
        usdc.mint(alice, USDC);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(TestUSDC.NotMinter.selector, alice));
        usdc.burn(USDC);
    }

    function test_removeMinter() public {
        vm.startPrank(masterMinter);
        usdc.configureMinter(minter, 100 * USDC);
        vm.expectEmit(address(usdc));
        emit TestUSDC.MinterRemoved(minter);
        usdc.removeMinter(minter);
        vm.stopPrank();
        vm.assertFalse(usdc.isMinter(minter), "removed");
        vm.assertEq(usdc.minterAllowance(minter), 0, "allowance gone");
        vm.prank(minter);
        vm.expectRevert(abi.encodeWithSelector(TestUSDC.NotMinter.selector, minter));
        usdc.mint(alice, USDC);
    }

    function test_burnFromOwnBalance() public {
        vm.prank(masterMinter);
        usdc.configureMinter(minter, 100 * USDC);
        vm.startPrank(minter);
        usdc.mint(minter, 30 * USDC);
        vm.expectEmit(address(usdc));
        emit TestUSDC.Burn(minter, 10 * USDC);
        usdc.burn(10 * USDC);
        vm.assertEq(usdc.balanceOf(minter), 20 * USDC, "balance");
        vm.assertEq(usdc.totalSupply(), 20 * USDC, "supply");
        vm.assertEq(usdc.minterAllowance(minter), 70 * USDC, "burning gives no allowance back");
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector, minter, 20 * USDC, 21 * USDC
            )
        );
        usdc.burn(21 * USDC);
        vm.expectRevert(TestUSDC.ZeroAmount.selector);
        usdc.burn(0);
        vm.stopPrank();
    }

    function test_blacklistStopsMintingAndMoving() public {
        vm.prank(masterMinter);
        usdc.configureMinter(minter, 100 * USDC);
        vm.prank(minter);
        usdc.mint(mallory, 10 * USDC);
        vm.prank(admin);
        usdc.blacklist(mallory);

        bytes memory blocked = abi.encodeWithSelector(TestUSDC.BlacklistedAccount.selector, mallory);
        vm.prank(minter);
        vm.expectRevert(blocked);
        usdc.mint(mallory, USDC);
        vm.prank(mallory);
        vm.expectRevert(blocked);
        usdc.transfer(alice, USDC);
        vm.prank(mallory);
        vm.expectRevert(blocked);
        usdc.approve(alice, USDC);

        vm.prank(admin);
        usdc.blacklist(minter);
        bytes memory minterBlocked =
            abi.encodeWithSelector(TestUSDC.BlacklistedAccount.selector, minter);
        vm.prank(minter);
        vm.expectRevert(minterBlocked);
        usdc.mint(alice, USDC);
        vm.prank(minter);
        vm.expectRevert(minterBlocked);
        usdc.burn(USDC);
    }

    function test_pauseStopsMintBurnAndTransfers() public {
        vm.prank(masterMinter);
        usdc.configureMinter(minter, 100 * USDC);
        vm.prank(minter);
        usdc.mint(minter, 10 * USDC);
        vm.prank(admin);
        usdc.pause();
        vm.startPrank(minter);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        usdc.mint(alice, USDC);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        usdc.burn(USDC);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        usdc.transfer(alice, USDC);
        vm.stopPrank();
        vm.assertEq(usdc.minterAllowance(minter), 90 * USDC, "a reverted mint uses no allowance");
    }

    // --- like FiatToken v2.2 ----------------------------------------------------------------

    function test_theTokenBlacklistsItsOwnAddress() public {
        vm.assertTrue(usdc.isBlacklisted(address(usdc)), "blacklisted at deployment");
        vm.prank(masterMinter);
        usdc.configureMinter(minter, 100 * USDC);
        vm.prank(minter);
        usdc.mint(alice, 10 * USDC);
        bytes memory blocked =
            abi.encodeWithSelector(TestUSDC.BlacklistedAccount.selector, address(usdc));
        vm.prank(alice);
        vm.expectRevert(blocked);
        usdc.transfer(address(usdc), USDC);
        vm.prank(minter);
        vm.expectRevert(blocked);
        usdc.mint(address(usdc), USDC);
        vm.prank(alice);
        vm.expectRevert(blocked);
        usdc.approve(address(usdc), USDC);
        vm.assertEq(usdc.balanceOf(address(usdc)), 0, "the token holds nothing");
    }

    function test_deploymentEmitsTheSelfBlacklisting() public {
        // The event's signature only (its topic, the new address, is checked through the state).
        vm.expectEmit(false, false, false, false);
        emit TestUSDC.Blacklisted(address(0));
        TestUSDC fresh = new TestUSDC(admin);
        vm.assertTrue(fresh.isBlacklisted(address(fresh)), "itself");
        vm.assertFalse(fresh.isBlacklisted(admin), "not the admin");
    }

    function test_approveAndConfigureMinterRefusedWhilePaused() public {
        vm.prank(admin);
        usdc.pause();
        vm.prank(alice);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        usdc.approve(minter, USDC);
        vm.prank(masterMinter);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        usdc.configureMinter(minter, 100 * USDC);
        vm.assertFalse(usdc.isMinter(minter), "not configured");

        vm.prank(admin);
        usdc.unpause();
        vm.prank(alice);
        usdc.approve(minter, USDC);
        vm.assertEq(usdc.allowance(alice, minter), USDC, "approved after unpause");
        vm.prank(masterMinter);
        usdc.configureMinter(minter, 100 * USDC);
        vm.assertTrue(usdc.isMinter(minter), "configured after unpause");
    }

    function testFuzz_transferFromRefusedToTheToken(uint256 amount) public {
        amount = bound(amount, 1, 100 * USDC);
        vm.prank(masterMinter);
        usdc.configureMinter(minter, 100 * USDC);
        vm.prank(minter);
        usdc.mint(alice, 100 * USDC);
        vm.prank(alice);
        usdc.approve(minter, amount);
        vm.prank(minter);
        vm.expectRevert(
            abi.encodeWithSelector(TestUSDC.BlacklistedAccount.selector, address(usdc))
        );
        usdc.transferFrom(alice, address(usdc), amount);
        vm.assertEq(usdc.balanceOf(alice), 100 * USDC, "kept");
    }

    function testFuzz_mintWithinAllowance(uint256 allowance, uint256 amount) public {
        allowance = bound(allowance, 1, type(uint128).max);
        amount = bound(amount, 1, type(uint128).max);
        vm.prank(masterMinter);
        usdc.configureMinter(minter, allowance);
        vm.prank(minter);
        if (amount > allowance) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    TestUSDC.MinterAllowanceExceeded.selector, amount, allowance
                )
            );
            usdc.mint(alice, amount);
            vm.assertEq(usdc.totalSupply(), 0, "nothing minted");
        } else {
            usdc.mint(alice, amount);
            vm.assertEq(usdc.minterAllowance(minter), allowance - amount, "allowance");
            vm.assertEq(usdc.balanceOf(alice), amount, "minted");
        }
    }
}
