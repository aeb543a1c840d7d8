// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {TreasuryVault} from "../src/TreasuryVault.sol";
import {TestBase, Vm} from "./utils/TestBase.sol";

/// @notice Calls every state-changing function of the vault from random callers (the roles and
///         strangers), with order ids from a small set so that repeats are tried, and moves time
///         forward. It records what succeeded; the invariants compare that with the chain.
contract VaultHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 public constant MAX_PER_PAYOUT = 10_000e6;
    uint256 public constant MAX_PER_24H = 25_000e6;

    TreasuryVault public immutable vault;
    IERC20 public immutable usdc;
    address public immutable admin;
    address public immutable pauser;
    address public immutable signer;

    address[] public callers; // admin, pauser, signer, then strangers
    address[] public recipients;
    address[] public colds;

    struct Paid {
        uint256 time;
        uint256 amount;
    }

    Paid[] internal _paid;
    mapping(bytes32 orderId => uint256) public timesPaid;
    mapping(address account => uint256) public paidTo;
    mapping(address account => uint256) public sweptTo;
    uint256 public totalPaid;
    uint256 public totalSwept;
    bool public paidByOther;
    bool public sweptByOther;
    bool public coldChangedByOther;
    /// @notice A payout to the vault, the token or zero succeeded, or one became the cold wallet.
    bool public forbiddenDestinationUsed;
    /// @notice Someone other than the admin lifted a pause the admin made or took over.
    bool public adminPauseLiftedByOther;
    /// @notice Whom the model says the current pause belongs to (the handler's own record).
    bool public modelPausedByAdmin;
    uint256 public now_;
    /// @notice Order ids 0 .. idsUsed - 1 have been tried.
    uint256 public idsUsed;

    constructor(TreasuryVault vault_, address admin_, address pauser_, address signer_) {
        vault = vault_;
        usdc = vault_.token();
        admin = admin_;
        pauser = pauser_;
        signer = signer_;
        callers.push(admin_);
        callers.push(pauser_);
        callers.push(signer_);
        for (uint256 i = 0; i < 3; ++i) {
            callers.push(vm.addr(1000 + i));
            recipients.push(vm.addr(2000 + i));
            colds.push(vm.addr(3000 + i));
        }
        colds[0] = vault_.coldWallet();
        now_ = block.timestamp;
    }

    function orderId(uint256 i) public pure returns (bytes32) {
        return keccak256(abi.encode("invariant-order", i));
    }

    function paidCount() external view returns (uint256) {
        return _paid.length;
    }

    function paidAt(uint256 i) external view returns (uint256 time, uint256 amount) {
        return (_paid[i].time, _paid[i].amount);
    }

    function recipientCount() external view returns (uint256) {
        return recipients.length;
    }

    function coldCount() external view returns (uint256) {
        return colds.length;
    }

    function callerCount() external view returns (uint256) {
        return callers.length;
    }

    /// @dev Mostly the signer, so that payouts happen; sometimes anyone.
    function _caller(uint256 seed) internal view returns (address) {
        return seed % 4 == 0 ? callers[(seed / 4) % callers.length] : signer;
    }

    /// @dev A fresh order id mostly; one tried before a third of the time.
    function _orderId(uint256 seed) internal returns (bytes32) {
        if (seed % 3 == 0 && idsUsed > 0) return orderId((seed / 3) % idsUsed);
        return orderId(idsUsed++);
    }

    function _amount(uint256 seed) internal pure returns (uint256) {
        // Half small ones (so that many fit in a day), half up to over the per-payout cap;
        // sometimes zero.
        if (seed % 2 == 0) return (seed >> 1) % (MAX_PER_PAYOUT / 4);
        return (seed >> 1) % (MAX_PER_PAYOUT + MAX_PER_PAYOUT / 4);
    }

    function _record(address caller, bytes32 id, address to, uint256 amount) internal {
        if (caller != signer) paidByOther = true;
        timesPaid[id] += 1;
        paidTo[to] += amount;
        totalPaid += amount;
        _paid.push(Paid(now_, amount));
    }

    /// @dev Short steps, and steps of about a day that land near the window's edges.
    function warp(uint256 seed) external {
        if (seed % 2 == 0) now_ += (seed >> 1) % 3 hours;
        else now_ += 22 hours + (seed >> 1) % 3 hours;
        vm.warp(now_);
    }

    /// @dev A recipient mostly; one in eight times the vault, the token or zero.
    function _destination(uint256 seed) internal view returns (address) {
        if (seed % 8 != 0) return recipients[seed % recipients.length];
        uint256 which = (seed / 8) % 3;
        if (which == 0) return address(vault);
        if (which == 1) return address(usdc);
        return address(0);
    }

    function _forbidden(address to) internal view returns (bool) {
        return to == address(vault) || to == address(usdc) || to == address(0);
    }

    function payout(uint256 callerSeed, uint256 idSeed, uint256 toSeed, uint256 amountSeed)
        external
    {
        vm.warp(now_);
        address caller = _caller(callerSeed);
        bytes32 id = _orderId(idSeed);
        address to = _destination(toSeed);
        uint256 amount = _amount(amountSeed);
        vm.prank(caller);
        try vault.payout(id, to, amount) {
            if (_forbidden(to)) forbiddenDestinationUsed = true;
            _record(caller, id, to, amount);
        } catch {}
    }

    function payoutBatch(uint256 callerSeed, uint256 size, uint256 seed) external {
        vm.warp(now_);
        address caller = _caller(callerSeed);
        uint256 n = 1 + size % 5;
        bytes32[] memory ids = new bytes32[](n);
        address[] memory tos = new address[](n);
        uint256[] memory amounts = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            ids[i] = _orderId(r);
            tos[i] = _destination(r >> 128);
            amounts[i] = _amount(r >> 64) / n;
        }
        vm.prank(caller);
        try vault.payoutBatch(ids, tos, amounts) {
            for (uint256 i = 0; i < n; ++i) {
                if (_forbidden(tos[i])) forbiddenDestinationUsed = true;
                _record(caller, ids[i], tos[i], amounts[i]);
            }
        } catch {}
    }

    function sweep(uint256 callerSeed, uint256 amount) external {
        vm.warp(now_);
        address caller = callers[callerSeed % callers.length];
        amount = amount % (usdc.balanceOf(address(vault)) + 1);
        address cold = vault.coldWallet();
        vm.prank(caller);
        try vault.sweep(amount) {
            if (caller != admin) sweptByOther = true;
            sweptTo[cold] += amount;
            totalSwept += amount;
        } catch {}
    }

    function setColdWallet(uint256 callerSeed, uint256 coldSeed) external {
        address caller = callers[callerSeed % callers.length];
        address cold = coldSeed % 8 == 0
            ? _destination(8 * (coldSeed / 8))
            : colds[coldSeed % colds.length];
        vm.prank(caller);
        try vault.setColdWallet(cold) {
            if (caller != admin) coldChangedByOther = true;
            if (_forbidden(cold)) forbiddenDestinationUsed = true;
        } catch {}
    }

    function pause(uint256 callerSeed) external {
        address caller = callers[callerSeed % callers.length];
        vm.prank(caller);
        try vault.pause() {
            if (caller == admin) modelPausedByAdmin = true;
        } catch {}
    }

    function unpause(uint256 callerSeed) external {
        // The pauser or the admin mostly, so that a paused vault does not end every run.
        address caller = callerSeed % 4 == 0
            ? callers[callerSeed % callers.length]
            : (callerSeed % 4 == 1 ? admin : pauser);
        bool wasAdmins = modelPausedByAdmin;
        vm.prank(caller);
        try vault.unpause() {
            if (wasAdmins && caller != admin) adminPauseLiftedByOther = true;
            modelPausedByAdmin = false;
        } catch {}
    }
}

/// @notice Invariants of TreasuryVault across any sequence of calls and time warps.
contract TreasuryVaultInvariantTest is TestBase {
    uint256 internal constant FUNDING = 1_000_000e6;

    TestUSDC internal usdc;
    TreasuryVault internal vault;
    VaultHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        address admin = makeAddr("admin");
        address pauser = makeAddr("pauser");
        address signer = makeAddr("signer");
        usdc = new TestUSDC(admin);
        vault = new TreasuryVault(
            IERC20(address(usdc)),
            admin,
            2 days,
            pauser,
            signer,
            makeAddr("cold"),
            10_000e6,
            25_000e6
        );
        vm.startPrank(admin);
        usdc.configureMinter(admin, FUNDING);
        usdc.mint(address(vault), FUNDING);
        vm.stopPrank();
        handler = new VaultHandler(vault, admin, pauser, signer);
        targetContract(address(handler));
    }

    /// @notice Only the payout role pays, only the admin sweeps or names the cold wallet.
    function invariant_onlyTheRolesAct() public view {
        vm.assertFalse(handler.paidByOther(), "a payout by someone without PAYOUT_ROLE");
        vm.assertFalse(handler.sweptByOther(), "a sweep by someone not admin");
        vm.assertFalse(handler.coldChangedByOther(), "cold wallet set by someone not admin");
    }

    /// @notice Nothing is ever paid to the vault itself, the token or the zero address, nor are
    ///         they ever the cold wallet.
    function invariant_neverToTheVaultOrTheToken() public view {
        vm.assertFalse(handler.forbiddenDestinationUsed(), "paid to the vault, token or zero");
        vm.assertEq(usdc.balanceOf(address(usdc)), 0, "the token holds USDC");
        address cold = vault.coldWallet();
        vm.assertTrue(
            cold != address(vault) && cold != address(usdc) && cold != address(0), "cold wallet"
        );
    }

    /// @notice A pause the admin made (or took over) is lifted by the admin only, and the
    ///         vault's record of it matches the handler's.
    function invariant_anAdminPauseIsTheAdmins() public view {
        vm.assertFalse(handler.adminPauseLiftedByOther(), "an admin pause lifted by another");
        vm.assertEq(vault.pausedByAdmin(), handler.modelPausedByAdmin(), "pausedByAdmin");
        vm.assertEq(vault.paused(), vault.pausedBy() != address(0), "pausedBy set iff paused");
    }

    /// @notice Each payout is within the per-payout cap, and the payouts of any 24 h interval
    ///         (each starting at a payout, which is where the largest sums start) add up to at
    ///         most the 24 h cap.
    function invariant_capsHold() public view {
        uint256 n = handler.paidCount();
        uint256 maxPer24h = handler.MAX_PER_24H();
        for (uint256 i = 0; i < n; ++i) {
            (uint256 start, uint256 amount) = handler.paidAt(i);
            vm.assertLe(amount, handler.MAX_PER_PAYOUT(), "per-payout cap");
            uint256 sum;
            for (uint256 j = i; j < n; ++j) {
                (uint256 t, uint256 a) = handler.paidAt(j);
                if (t < start + 24 hours) sum += a;
            }
            vm.assertLe(sum, maxPer24h, "24 h cap");
        }
        vm.assertLe(vault.paidInLast24h(), maxPer24h, "window view");
    }

    /// @notice An order id is paid at most once, and `isPaid` says whether it was.
    function invariant_orderPaidOnce() public view {
        for (uint256 i = 0; i < handler.idsUsed(); ++i) {
            bytes32 id = handler.orderId(i);
            uint256 times = handler.timesPaid(id);
            vm.assertLe(times, 1, "paid twice");
            vm.assertEq(vault.isPaid(id), times == 1, "isPaid");
        }
    }

    /// @notice Funds leave the vault only as recorded payouts to their recipients and as sweeps
    ///         to the cold wallet of the moment; no one else ever receives anything.
    function invariant_fundsGoOnlyToRecipientsAndCold() public view {
        for (uint256 i = 0; i < handler.recipientCount(); ++i) {
            address r = handler.recipients(i);
            vm.assertEq(usdc.balanceOf(r), handler.paidTo(r), "recipient balance");
        }
        for (uint256 i = 0; i < handler.coldCount(); ++i) {
            address c = handler.colds(i);
            vm.assertEq(usdc.balanceOf(c), handler.sweptTo(c), "cold wallet balance");
        }
        for (uint256 i = 0; i < handler.callerCount(); ++i) {
            vm.assertEq(usdc.balanceOf(handler.callers(i)), 0, "a caller received funds");
        }
        vm.assertEq(
            usdc.balanceOf(address(vault)),
            FUNDING - handler.totalPaid() - handler.totalSwept(),
            "vault balance"
        );
        vm.assertEq(usdc.totalSupply(), FUNDING, "supply");
    }
}
