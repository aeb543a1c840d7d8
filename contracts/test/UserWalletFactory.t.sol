// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {UserWallet} from "../src/UserWallet.sol";
import {UserWalletFactory} from "../src/UserWalletFactory.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Unit and fuzz tests of UserWalletFactory and UserWallet: CREATE2 addresses, the
///         operator moves tokens, the owner (the cold Safe) replaces or revokes the operator and
///         pauses withdrawals; the operator cannot change itself.
contract UserWalletFactoryTest is TestBase {
    uint256 internal constant USDC = 1e6;

    TestUSDC internal usdc;
    UserWalletFactory internal factory;
    address internal admin;
    address internal operator;
    address internal owner;
    address internal alice;

    function setUp() public {
        admin = makeAddr("admin");
        operator = makeAddr("operator");
        owner = makeAddr("owner");
        alice = makeAddr("alice");
        usdc = new TestUSDC(admin);
        factory = new UserWalletFactory(owner, operator);
        vm.prank(admin);
        usdc.configureMinter(admin, 1_000_000 * USDC);
    }

    function testFuzz_addressKnownBeforeDeployment(bytes32 salt) public {
        address predicted = factory.walletAddress(salt);
        bytes32 hash = keccak256(
            abi.encodePacked(
                bytes1(0xff), address(factory), salt, keccak256(type(UserWallet).creationCode)
            )
        );
        vm.assertEq(predicted, address(uint160(uint256(hash))), "CREATE2 address");
        vm.prank(admin);
        usdc.mint(predicted, 10 * USDC); // a deposit before the wallet exists
        vm.prank(alice); // anyone may deploy
        address wallet = factory.deployWallet(salt);
        vm.assertEq(wallet, predicted, "deployed where predicted");
        vm.assertEq(factory.deployWallet(salt), wallet, "idempotent");
        vm.assertEq(usdc.balanceOf(wallet), 10 * USDC, "deposit kept");
    }

    function test_onlyTheOperatorMovesTokens() public {
        address wallet = factory.deployWallet(bytes32(uint256(1)));
        vm.prank(admin);
        usdc.mint(wallet, 10 * USDC);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(UserWallet.NotOperator.selector, alice));
        UserWallet(wallet).transferToken(IERC20(address(usdc)), alice, USDC);
        vm.prank(operator);
        UserWallet(wallet).transferToken(IERC20(address(usdc)), alice, 4 * USDC);
        vm.assertEq(usdc.balanceOf(alice), 4 * USDC, "moved by the operator");
    }

    function _ownerOnly(address who) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, who);
    }

    function _fundedWallet(uint256 salt, uint256 amount) internal returns (address wallet) {
        wallet = factory.deployWallet(bytes32(salt));
        vm.prank(admin);
        usdc.mint(wallet, amount);
    }

    function test_constructor() public {
        vm.assertEq(factory.owner(), owner, "owner");
        vm.assertEq(factory.operator(), operator, "operator");
        vm.assertFalse(factory.paused(), "not paused");
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0))
        );
        new UserWalletFactory(address(0), operator);
        vm.expectRevert(UserWalletFactory.ZeroAddress.selector);
        new UserWalletFactory(owner, address(0));
    }

    function test_theOperatorCannotChangeItselfOrPause() public {
        address thief = makeAddr("thief");
        vm.startPrank(operator);
        vm.expectRevert(_ownerOnly(operator));
        factory.setOperator(thief);
        vm.expectRevert(_ownerOnly(operator));
        factory.revokeOperator();
        vm.expectRevert(_ownerOnly(operator));
        factory.unpause();
        vm.expectRevert(_ownerOnly(operator));
        factory.transferOwnership(thief);
        vm.stopPrank();
        vm.assertEq(factory.operator(), operator, "unchanged");
        vm.assertEq(factory.owner(), owner, "owner unchanged");
    }

    function test_ownerReplacesTheOperator() public {
        address next = makeAddr("next");
        address wallet = _fundedWallet(2, 2 * USDC);
        vm.prank(owner);
        vm.expectRevert(UserWalletFactory.ZeroAddress.selector);
        factory.setOperator(address(0));
        vm.expectEmit(address(factory));
        emit UserWalletFactory.OperatorTransferred(operator, next);
        vm.prank(owner);
        factory.setOperator(next);
        vm.assertEq(factory.operator(), next, "replaced");

        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(UserWallet.NotOperator.selector, operator));
        UserWallet(wallet).transferToken(IERC20(address(usdc)), alice, USDC);
        vm.prank(next);
        UserWallet(wallet).transferToken(IERC20(address(usdc)), alice, USDC);
        vm.assertEq(usdc.balanceOf(alice), USDC, "moved by the new operator");
        vm.assertEq(factory.walletAddress(bytes32(uint256(2))), wallet, "addresses unchanged");
    }

    function test_ownerRevokesAStolenOperator() public {
        address wallet = _fundedWallet(3, 5 * USDC);
        vm.expectEmit(address(factory));
        emit UserWalletFactory.OperatorTransferred(operator, address(0));
        vm.prank(owner);
        factory.revokeOperator();
        vm.assertEq(factory.operator(), address(0), "revoked");
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(UserWallet.NotOperator.selector, operator));
        UserWallet(wallet).transferToken(IERC20(address(usdc)), operator, 5 * USDC);
        vm.assertEq(usdc.balanceOf(wallet), 5 * USDC, "nothing left the wallet");
    }

    function test_ownerPausesWithdrawalsButNotDeposits() public {
        address wallet = _fundedWallet(4, 5 * USDC);
        vm.prank(alice);
        vm.expectRevert(_ownerOnly(alice));
        factory.pause();
        vm.prank(owner);
        factory.pause();
        vm.assertTrue(factory.paused(), "paused");

        vm.prank(operator);
        vm.expectRevert(UserWallet.WithdrawalsPaused.selector);
        UserWallet(wallet).transferToken(IERC20(address(usdc)), alice, USDC);
        // Deposits still arrive, and wallets can still be deployed.
        vm.prank(admin);
        usdc.mint(wallet, USDC);
        address other = factory.deployWallet(bytes32(uint256(5)));
        vm.assertTrue(other.code.length != 0, "deployed while paused");
        vm.prank(owner);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        factory.pause();

        vm.prank(owner);
        factory.unpause();
        vm.prank(operator);
        UserWallet(wallet).transferToken(IERC20(address(usdc)), alice, USDC);
        vm.assertEq(usdc.balanceOf(alice), USDC, "moved after unpause");
        vm.assertEq(usdc.balanceOf(wallet), 5 * USDC, "rest");
    }

    function test_ownershipMovesInTwoStepsAndCannotBeRenounced() public {
        address safe = makeAddr("safe");
        vm.prank(owner);
        vm.expectRevert(UserWalletFactory.RenounceDisabled.selector);
        factory.renounceOwnership();
        vm.prank(owner);
        factory.transferOwnership(safe);
        vm.assertEq(factory.owner(), owner, "not before the accept");
        vm.assertEq(factory.pendingOwner(), safe, "pending");
        vm.prank(alice);
        vm.expectRevert(_ownerOnly(alice));
        factory.acceptOwnership();
        vm.prank(safe);
        factory.acceptOwnership();
        vm.assertEq(factory.owner(), safe, "the Safe owns it");
        vm.prank(owner);
        vm.expectRevert(_ownerOnly(owner));
        factory.revokeOperator();
        vm.prank(safe);
        factory.revokeOperator();
        vm.assertEq(factory.operator(), address(0), "by the new owner");
    }

    function testFuzz_onlyTheOwnerGoverns(address caller, address next) public {
        vm.assume(caller != owner && next != address(0));
        vm.startPrank(caller);
        vm.expectRevert(_ownerOnly(caller));
        factory.setOperator(next);
        vm.expectRevert(_ownerOnly(caller));
        factory.revokeOperator();
        vm.expectRevert(_ownerOnly(caller));
        factory.pause();
        vm.stopPrank();
        vm.assertEq(factory.operator(), operator, "unchanged");
        vm.assertFalse(factory.paused(), "not paused");
    }

    function testFuzz_onlyTheOperatorMovesTokens(address caller, uint256 amount) public {
        amount = bound(amount, 1, 10 * USDC);
        address wallet = _fundedWallet(6, 10 * USDC);
        vm.prank(caller);
        if (caller != operator) {
            vm.expectRevert(abi.encodeWithSelector(UserWallet.NotOperator.selector, caller));
            UserWallet(wallet).transferToken(IERC20(address(usdc)), alice, amount);
            vm.assertEq(usdc.balanceOf(wallet), 10 * USDC, "kept");
        } else {
            UserWallet(wallet).transferToken(IERC20(address(usdc)), alice, amount);
            vm.assertEq(usdc.balanceOf(alice), amount, "moved");
        }
    }
}
