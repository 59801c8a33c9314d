"""policyspace: how much policy space do trade and investment agreements leave to LMICs?"""

__version__ = "0.1.0"
