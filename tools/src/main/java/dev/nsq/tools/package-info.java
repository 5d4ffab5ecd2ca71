package dev.nsq.tools;
