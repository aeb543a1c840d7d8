// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestUSDC} from "../src/TestUSDC.sol";
import {TestBase, Vm} from "./utils/TestBase.sol";

/// @notice Configures, removes, mints and burns from random callers and records what succeeded.
contract MinterHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    TestUSDC public immutable usdc;
    address public immutable admin;
    address public immutable masterMinter;

    address[] public accounts; // candidate minters, also holders and callers

    mapping(address minter => uint256) public configured; // allowance given by the last configure
    mapping(address minter => uint256) public mintedSince; // minted since then
    uint256 public totalMinted;
    uint256 public totalBurned;
    bool public configuredByOther;
    bool public mintedByNonMinter;

    constructor(TestUSDC usdc_, address admin_, address masterMinter_) {
        usdc = usdc_;
        admin = admin_;
        masterMinter = masterMinter_;
        accounts.push(admin_);
        accounts.push(masterMinter_);
        for (uint256 i = 0; i < 4; ++i) {
            accounts.push(vm.addr(4000 + i));
        }
    }

    function accountCount() external view returns (uint256) {
        return accounts.length;
    }

    function _account(uint256 seed) internal view returns (address) {
        return accounts[seed % accounts.length];
    }

    function configureMinter(uint256 callerSeed, uint256 minterSeed, uint256 allowance) external {
        address caller = callerSeed % 3 == 0 ? _account(callerSeed / 3) : masterMinter;
        address minter = _account(minterSeed);
        allowance = allowance % 1_000_000e6;
        vm.prank(caller);
        try usdc.configureMinter(minter, allowance) {
            if (caller != admin && caller != masterMinter) configuredByOther = true;
            configured[minter] = allowance;
            mintedSince[minter] = 0;
        } catch {}
    }

    function removeMinter(uint256 callerSeed, uint256 minterSeed) external {
        address caller = callerSeed % 3 == 0 ? _account(callerSeed / 3) : masterMinter;
        address minter = _account(minterSeed);
        vm.prank(caller);
        try usdc.removeMinter(minter) {
            if (caller != admin && caller != masterMinter) configuredByOther = true;
            configured[minter] = 0;
            mintedSince[minter] = 0;
        } catch {}
    }

    function mint(uint256 minterSeed, uint256 toSeed, uint256 amount) external {
        address minter = _account(minterSeed);
        bool wasMinter = usdc.isMinter(minter);
        // Often right at or just over what is left, to probe the edge.
        uint256 left = usdc.minterAllowance(minter);
        if (amount % 3 == 0) amount = left + (amount / 3) % 2;
        else amount = amount % 1_000_000e6;
        vm.prank(minter);
        try usdc.mint(_account(toSeed), amount) {
            if (!wasMinter) mintedByNonMinter = true;
            mintedSince[minter] += amount;
            totalMinted += amount;
        } catch {}
    }

    function burn(uint256 minterSeed, uint256 amount) external {
        address minter = _account(minterSeed);
        amount = amount % (usdc.balanceOf(minter) + 2);
        vm.prank(minter);
        try usdc.burn(amount) {
            totalBurned += amount;
        } catch {}
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _account(fromSeed);
        amount = amount % (usdc.balanceOf(from) + 1);
        vm.prank(from);
        try usdc.transfer(_account(toSeed), amount) {} catch {}
    }
}

/// @notice Invariants of TestUSDC's minters: an allowance is never exceeded.
contract TestUSDCInvariantTest is TestBase {
    TestUSDC internal usdc;
    MinterHandler internal handler;

    function setUp() public {
        address admin = makeAddr("admin");
        address masterMinter = makeAddr("masterMinter");
        usdc = new TestUSDC(admin);
        vm.startPrank(admin);
        usdc.grantRole(usdc.MASTER_MINTER_ROLE(), masterMinter);
        vm.stopPrank();
        handler = new MinterHandler(usdc, admin, masterMinter);
        targetContract(address(handler));
    }

    /// @notice No minter has minted more than its allowance since it was configured, and what it
    ///         may still mint is exactly the rest.
    function invariant_minterAllowanceNeverExceeded() public view {
        for (uint256 i = 0; i < handler.accountCount(); ++i) {
            address m = handler.accounts(i);
            uint256 configured = handler.configured(m);
            vm.assertLe(handler.mintedSince(m), configured, "minted over the allowance");
            vm.assertEq(
                usdc.minterAllowance(m), configured - handler.mintedSince(m), "allowance left"
            );
        }
        vm.assertFalse(handler.mintedByNonMinter(), "minted by a non-minter");
        vm.assertFalse(handler.configuredByOther(), "minters configured by someone else");
    }

    /// @notice Supply is what was minted less what was burned.
    function invariant_supplyAccounting() public view {
        vm.assertEq(
            usdc.totalSupply(), handler.totalMinted() - handler.totalBurned(), "total supply"
        );
    }
}
