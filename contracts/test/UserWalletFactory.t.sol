// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {UserWallet} from "../src/UserWallet.sol";
import {UserWalletFactory} from "../src/UserWalletFactory.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Unit and fuzz tests of UserWalletFactory and UserWallet.
contract UserWalletFactoryTest is TestBase {
    uint256 internal constant USDC = 1e6;

    TestUSDC internal usdc;
    UserWalletFactory internal factory;
    address internal admin;
    address internal operator;
    address internal alice;

    function setUp() public {
        admin = makeAddr("admin");
        operator = makeAddr("operator");
        alice = makeAddr("alice");
        usdc = new TestUSDC(admin);
        factory = new UserWalletFactory(operator);
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

    function test_operatorRotationInTwoSteps() public {
        address next = makeAddr("next");
        address wallet = factory.deployWallet(bytes32(uint256(2)));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(UserWalletFactory.NotOperator.selector, alice));
        factory.transferOperator(next);
        vm.prank(operator);
        factory.transferOperator(next);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(UserWalletFactory.NotPendingOperator.selector, alice)
        );
        factory.acceptOperator();
        vm.prank(next);
        factory.acceptOperator();
        vm.assertEq(factory.operator(), next, "rotated");
        vm.assertEq(factory.pendingOperator(), address(0), "no pending");

        vm.prank(admin);
        usdc.mint(wallet, USDC);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(UserWallet.NotOperator.selector, operator));
        UserWallet(wallet).transferToken(IERC20(address(usdc)), alice, USDC);
        vm.prank(next);
        UserWallet(wallet).transferToken(IERC20(address(usdc)), alice, USDC);
        vm.assertEq(usdc.balanceOf(alice), USDC, "moved by the new operator");
    }
}
