"""sqljson"""
